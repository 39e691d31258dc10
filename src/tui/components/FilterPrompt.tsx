import React from 'react';
import { Text } from './Text.js';
import { compileFilter } from '../view-models/filter.js';

/** `/` prompt: filters as you type; shows whether the text is used as a regex or a substring. */
export function FilterPrompt({ text, matches }: { text: string; matches: number }) {
  const mode = compileFilter(text).mode;
  const note = mode === 'substring' ? ' (not a regex: plain text)' : '';
  return (
    <Text wrap="truncate">
      <Text bold>/</Text>
      {text}
      <Text inverse> </Text>
      <Text dimColor>{`  ${matches} match${matches === 1 ? '' : 'es'}${note}  Enter keep  Esc clear`}</Text>
    </Text>
  );
}
