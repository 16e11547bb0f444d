/** JSON documents are pretty-printed with a final newline. */
export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
