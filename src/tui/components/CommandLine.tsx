import React from 'react';
import { Text } from './Text.js';

/** `:` prompt: `:res NAME`, `:node NAME`, `:ctx NAME`, `:q`. */
export function CommandLine({ text }: { text: string }) {
  return (
    <Text wrap="truncate">
      <Text bold>:</Text>
      {text}
      <Text inverse> </Text>
      <Text dimColor>{'  res NAME | node NAME | ctx [NAME] | nodes | resources | failures | fencing | constraints | q'}</Text>
    </Text>
  );
}
