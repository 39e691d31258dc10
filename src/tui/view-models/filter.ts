/** The `/` filter: a case-insensitive regex; text that is not a valid regex is a plain substring. */

export interface CompiledFilter {
  text: string;
  /** 'regex' when the text compiled, 'substring' when it did not, 'none' when empty. */
  mode: 'regex' | 'substring' | 'none';
  test(value: string): boolean;
}

export function compileFilter(text: string): CompiledFilter {
  const trimmed = text.trim();
  if (!trimmed) return { text, mode: 'none', test: () => true };
  try {
    const re = new RegExp(trimmed, 'i');
    return { text, mode: 'regex', test: (v) => re.test(v) };
  } catch {
    const needle = trimmed.toLowerCase();
    return { text, mode: 'substring', test: (v) => v.toLowerCase().includes(needle) };
  }
}
