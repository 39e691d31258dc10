import React, { memo } from 'react';
import { Text } from './Text.js';

/** Keys of the current screen, from the keymap (memoized: `hints` is memoized by the provider). */
export const Footer = memo(function Footer({ hints, readOnly }: { hints: string[]; readOnly: boolean }) {
  return (
    <Text dimColor wrap="truncate">
      {`${readOnly ? '[read-only] ' : ''}${hints.join('  ')}`}
    </Text>
  );
});
