/**
 * The only text component of pcmk-top. It is Ink's <Text> with one difference: every string it
 * is given goes through visible() first, so a control character from the cluster or a host (an
 * ESC in an exit reason, a C1 CSI in a node name, a bidi override in an error text, or a paste
 * into a prompt) is shown as ^[, M-^[, <U+202E> and never reaches the terminal. Styling is Ink's
 * (props), applied after the text is made visible. Components import Text from here, never from
 * 'ink' (test/unit/architecture.test.ts checks it).
 */
import React from 'react';
import { Text as InkText, type TextProps } from 'ink';
import { visible } from '../../model/view/text.js';

function safe(node: React.ReactNode): React.ReactNode {
  if (typeof node === 'string') return visible(node);
  if (Array.isArray(node)) return node.map(safe);
  return node;
}

export function Text({ children, ...props }: TextProps) {
  return <InkText {...props}>{safe(children)}</InkText>;
}
