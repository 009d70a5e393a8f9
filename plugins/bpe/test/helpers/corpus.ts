/**
 * Small fixed texts for tests (a few KB): prose with repeated words so that merges and
 * scaffold tokens appear, plus digits, punctuation, newlines, accents, CJK and emoji.
 */
export const PROSE = [
  'Arizona is a state in the southwestern United States. The Arizona desert is hot; the zona near Arizona is dry.',
  'In 1912, Arizona became the 48th state. Phoenix, Tucson and Mesa are its largest cities (population 7,151,502 in 2020).',
  "It's a land of canyons: the Grand Canyon is 446 km long, up to 29 km wide and 1,857 m deep. Don't forget the water!",
  'The the THE tHe. Then there, their, theirs; other others otherwise. Thin thing things thinking thinker thinkers.',
  'Call me Ishmael. Some years ago - never mind how long precisely - having little or no money in my purse, and nothing',
  'particular to interest me on shore, I thought I would sail about a little and see the watery part of the world.',
  'Café, naïve, résumé, Zürich, São Paulo, Kraków, Ångström; ñandú, façade, crème brûlée. Ελληνικά και русский текст.',
  '中文字符和日本語のテキスト、한국어 문장. Emoji: 😀 😃 😄 👍🏽 🚀🚀🚀 ❤️ 🇺🇸 👨‍👩‍👧‍👦.',
  'Numbers: 0 1 2 3 4 5 6 7 8 9 10 100 1000 3.14159 2.71828 -42 +7 1e10 0x1F 50% $19.99 €5,00 #1 @home.',
  'Punctuation!!! ??? ... --- *** ((())) [[[]]] {{{}}} <<< >>> /// \\\\ ||| ~~~ ``` ^^^ &&& ;;; :::',
  'aaaa aaaaa aaaaaa bbbb abab ababab aabb aaabbb zzzz zz z. Mississippi, banana, bananas, anana.',
  'Tabs\tand\ttabs. Lines\nand\nlines.\n\nDouble breaks.\r\nWindows line.   Spaces   inside.  \u00a0nbsp\u2003em space.',
].join('\n');

/** The training corpus of most tests: the prose three times, as separate documents. */
export const CORPUS: readonly string[] = [PROSE, PROSE.toUpperCase(), PROSE.split('\n').reverse().join('\n')];

/** Text never seen in training, for encode/interop checks (varied scripts and symbols). */
export const PROBE = [
  'Unseen words: quizzically, jackhammer, xylophone. Zona! ARIZONA? arizonan 2024-12-31T23:59:59Z.',
  "They'll've we're I'm you'd it's O'Neil's. 12345678901234567890 and 3.000.000,00 and ½ ⅓ ² ³ ٣ ४.",
  'Mixed: naïveté 🤖🤖 é (e + \u0301) \ufeffBOM \u0085NEL \u2028LS \u2029PS \u000bVT \u000cFF x\u00a0y.',
  '  leading spaces, trailing spaces   \n\n\n\t\t mixed \t \n end.<|endoftext|>After the special token.',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 𝟙𝟚𝟛, Ꭰꮳ, עברית, العربية, हिन्दी, ไทย, ქართული.',
].join('\n');
