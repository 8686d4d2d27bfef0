/** The timestamp catalogue: named formats of device time, decoders, a format guesser. */
export { formatUtcIso, TimeError } from './core.js';
export { type TimeFormat, type TimeInputKind, type TimeKind } from './formats.js';
export { type DecodeOptions, type DecodeResult, type TimeValue, TIME_FORMATS, decodeTime, findTimeFormat, hexToBytes, parseTimeValue } from './decode.js';
export { type GuessOptions, type TimeGuess, guessTimeFormat } from './guess.js';
export { type DstPolicy } from './zone.js';
export { GPS_LEAP_SECONDS } from './leap.js';
export { catalogueMarkdown } from './markdown.js';
