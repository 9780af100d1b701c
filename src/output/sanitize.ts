/**
 * Text from policies can carry values taken from the plan (tag values, names), which an attacker may control.
 * These helpers keep such text from acting on whatever displays it.
 */

// C0 controls except tab and line breaks, DEL, C1 controls (ESC starts ANSI sequences; U+009B is a one-byte CSI),
// and the bidirectional overrides used to make text display differently from what it is ("Trojan Source").
const UNSAFE_FOR_DISPLAY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Remove characters that could recolour, rewrite or reorder a terminal or log line. Line breaks are kept. */
export function stripControlCharacters(text: string): string {
  return text.replace(UNSAFE_FOR_DISPLAY, '');
}

/**
 * One line of display text: unsafe characters removed and line breaks shown as " ↵ ", so that no part of a
 * message can start a line of its own (a CI runner reads lines starting with "::" as workflow commands).
 */
export function singleLine(text: string): string {
  return stripControlCharacters(text)
    .replace(/\t/g, ' ')
    .replace(/\r\n|\r|\n/g, ' ↵ ');
}
