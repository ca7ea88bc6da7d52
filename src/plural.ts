// Counts in messages: "1 output", "2 outputs", never "1 outputs".

/**
 * `n` and `noun`, in the plural unless `n` is 1: plural(2, 'image') → '2 images',
 * plural(1, 'process') → '1 process'. Nouns ending in s, x, ch or sh take -es; give
 * `many` for any other irregular plural.
 */
export function plural(n: number, noun: string, many?: string): string {
  return `${n} ${n === 1 ? noun : (many ?? (/(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`))}`;
}
