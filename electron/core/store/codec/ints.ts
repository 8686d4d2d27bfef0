/**
 * The signed-integer code of the block format ("sv code"), Gorilla-style buckets with a
 * run code for zeros. Prefix (read bit by bit, at most 7 bits) then payload:
 *   0         -> 0
 *   10        -> 5-bit two's complement    [-16, 15]
 *   110       -> 9-bit                     [-256, 255]
 *   1110      -> 13-bit                    [-4096, 4095]
 *   11110     -> 20-bit                    [-2^19, 2^19)
 *   111110    -> 32-bit                    [-2^31, 2^31)
 *   1111110   -> 54-bit (22 high + 32 low) [-2^53, 2^53)  ("wide"; in the timestamp section it is an absolute time)
 *   1111111   -> 20-bit unsigned n >= 1: the next n values are 0 (a run)
 */
import type { BitWriter } from './bits.js';

export const RUN_MAX = (1 << 20) - 1;
/** A run code is 27 bits; shorter zero runs are written as single 0 bits. */
const RUN_MIN = 28;

/** Writes a non-zero value |r| < 2^53 (0 goes through writeZeros). */
export function writeNonZero(w: BitWriter, r: number): void {
  if (r >= -16 && r < 16) {
    w.write(0b10, 2);
    w.write(r, 5);
  } else if (r >= -256 && r < 256) {
    w.write(0b110, 3);
    w.write(r, 9);
  } else if (r >= -4096 && r < 4096) {
    w.write(0b1110, 4);
    w.write(r, 13);
  } else if (r >= -524288 && r < 524288) {
    w.write(0b11110, 5);
    w.write(r, 20);
  } else if (r >= -2147483648 && r < 2147483648) {
    w.write(0b111110, 6);
    w.write(r, 32);
  } else {
    writeWide(w, r);
  }
}

/** The 54-bit bucket, whatever the value's size (the timestamp section's absolute time). */
export function writeWide(w: BitWriter, r: number): void {
  w.write(0b1111110, 7);
  w.write54(r);
}

/** Writes z >= 0 zero values. */
export function writeZeros(w: BitWriter, z: number): void {
  while (z >= RUN_MIN) {
    const n = Math.min(z, RUN_MAX);
    w.write(0b1111111, 7);
    w.write(n, 20);
    z -= n;
  }
  if (z > 0) w.zeros(z);
}

/**
 * Writes a sequence of sv codes: zeros are counted and written as runs (writeZeros) just
 * before the next non-zero or wide code, and at `end()`.
 */
export class SvSequence {
  private zeros = 0;

  constructor(private readonly w: BitWriter) {}

  zero(): void {
    this.zeros++;
  }

  /** Any |r| < 2^53, zero included. */
  value(r: number): void {
    if (r === 0) this.zeros++;
    else {
      this.flush();
      writeNonZero(this.w, r);
    }
  }

  wide(r: number): void {
    this.flush();
    writeWide(this.w, r);
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.zeros > 0) {
      writeZeros(this.w, this.zeros);
      this.zeros = 0;
    }
  }
}

/** Bits writeNonZero would take for r (r !== 0). */
export function nonZeroBits(r: number): number {
  if (r >= -16 && r < 16) return 7;
  if (r >= -256 && r < 256) return 12;
  if (r >= -4096 && r < 4096) return 17;
  if (r >= -524288 && r < 524288) return 25;
  if (r >= -2147483648 && r < 2147483648) return 38;
  return 61;
}

// Decoding: BitReader.sv().
