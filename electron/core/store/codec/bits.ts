/**
 * Bit writer/reader over 32-bit words for the block codec (see ../block-codec.ts for the
 * format). Bits fill each word from its most significant bit down; a word holds the bits
 * in the order they were written. No per-value allocation: the writer grows by doubling.
 */

const TWO32 = 4294967296;

export class BitWriter {
  words: Uint32Array;
  /** Full words written. */
  length = 0;
  /** Pending bits, right-aligned in `cur`; `fill` of them (0..31). */
  private cur = 0;
  private fill = 0;

  constructor(initialWords = 256) {
    this.words = new Uint32Array(Math.max(4, initialWords));
  }

  /** Writes the low `n` bits of `value`, 1 <= n <= 32. */
  write(value: number, n: number): void {
    const v = n === 32 ? value >>> 0 : value & ((1 << n) - 1);
    const free = 32 - this.fill;
    if (n < free) {
      this.cur = (this.cur << n) | v;
      this.fill += n;
      return;
    }
    const rest = n - free;
    const top = rest === 0 ? v : v >>> rest;
    const word = free === 32 ? top : (this.cur << free) | top;
    if (this.length === this.words.length) this.grow();
    this.words[this.length++] = word >>> 0;
    this.cur = rest === 0 ? 0 : v & ((1 << rest) - 1);
    this.fill = rest;
  }

  /** Writes `n` zero bits (any n >= 0). */
  zeros(n: number): void {
    while (n > 32) {
      this.write(0, 32);
      n -= 32;
    }
    if (n > 0) this.write(0, n);
  }

  /** A signed integer |x| < 2^53 as 54-bit two's complement: 22 high bits, then 32 low bits. */
  write54(x: number): void {
    const hi = Math.floor(x / TWO32);
    this.write(hi, 22);
    this.write(x - hi * TWO32, 32);
  }

  /** Elias gamma code of an integer 1 <= n < 2^32: (bits(n) - 1) zeros, then n in bits(n) bits. */
  gamma(n: number): void {
    const nb = n >= 2147483648 ? 32 : 32 - Math.clz32(n);
    if (nb > 1) this.zeros(nb - 1);
    this.write(n, nb);
  }

  /** Appends everything another writer holds. */
  append(other: BitWriter): void {
    for (let i = 0; i < other.length; i++) this.write(other.words[i]!, 32);
    if (other.fill > 0) this.write(other.cur, other.fill);
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.length * 32 + this.fill;
  }

  /** Pads the last word with zero bits and returns the words (a view, not a copy). */
  finish(): Uint32Array {
    if (this.fill > 0) {
      if (this.length === this.words.length) this.grow();
      this.words[this.length++] = (this.cur << (32 - this.fill)) >>> 0;
      this.cur = 0;
      this.fill = 0;
    }
    return this.words.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
    this.cur = 0;
    this.fill = 0;
  }

  private grow(): void {
    const next = new Uint32Array(this.words.length * 2);
    next.set(this.words);
    this.words = next;
  }
}

export class BitReader {
  private pos = 0;
  /** Unread bits of the current word, left-aligned; `avail` of them. */
  private cur = 0;
  private avail = 0;

  constructor(
    private readonly words: Uint32Array,
    /** Names the block section being read, for error messages. */
    public section = 'header',
  ) {}

  /** Reads `n` bits (1 <= n <= 32) as an unsigned integer. */
  read(n: number): number {
    if (n <= this.avail) {
      const v = this.cur >>> (32 - n);
      this.cur = n === 32 ? 0 : this.cur << n;
      this.avail -= n;
      return v;
    }
    if (this.pos >= this.words.length) throw new Error(`block: truncated bit stream in the ${this.section} section (needed ${n} more bits after word ${this.pos}); the block is cut short or corrupt`);
    const have = this.avail;
    const need = n - have;
    const w = this.words[this.pos++]!;
    const low = w >>> (32 - need);
    const v = have === 0 ? low : ((this.cur >>> (32 - have)) << need) | low;
    this.cur = need === 32 ? 0 : w << need;
    this.avail = 32 - need;
    return v >>> 0;
  }

  bit(): number {
    if (this.avail > 0) {
      const v = this.cur >>> 31;
      this.cur <<= 1;
      this.avail--;
      return v;
    }
    return this.read(1);
  }

  /** Inverse of BitWriter.write54. */
  read54(): number {
    const hi = (this.read(22) << 10) >> 10;
    return hi * TWO32 + this.read(32);
  }

  /** Zeros still owed by the last sv run code (see ints.ts). */
  zeros = 0;
  /** Set when the last sv value came from the 54-bit bucket. */
  wide = false;

  /** Reads one sv-coded value (the code is documented in ints.ts). */
  sv(): number {
    this.wide = false;
    if (this.zeros > 0) {
      this.zeros--;
      return 0;
    }
    // Peek the (up to 7-bit) prefix at once: its leading ones pick the bucket.
    const p = this.avail >= 7 ? this.cur >>> 25 : this.peek7();
    const ones = Math.clz32(~(p << 25));
    const skip = ones === 7 ? 7 : ones + 1;
    if (skip <= this.avail) {
      this.cur <<= skip;
      this.avail -= skip;
    } else this.read(skip);
    switch (ones) {
      case 0:
        return 0;
      case 1:
        return (this.read(5) << 27) >> 27;
      case 2:
        return (this.read(9) << 23) >> 23;
      case 3:
        return (this.read(13) << 19) >> 19;
      case 4:
        return (this.read(20) << 12) >> 12;
      case 5:
        return this.read(32) | 0;
      case 6:
        this.wide = true;
        return this.read54();
      default: {
        const n = this.read(20);
        if (n === 0) throw new Error(`block: zero-length run code in the ${this.section} section; the block is corrupt`);
        this.zeros = n - 1;
        return 0;
      }
    }
  }

  /** The next 7 bits across a word boundary, zero past the end (read() then reports it). */
  private peek7(): number {
    const have = this.avail;
    const hi = have === 0 ? 0 : this.cur >>> (32 - have);
    const next = this.pos < this.words.length ? this.words[this.pos]! : 0;
    return ((hi << (7 - have)) | (next >>> (25 + have))) & 0x7f;
  }

  /** Inverse of BitWriter.gamma. */
  gamma(): number {
    let z = 0;
    while (this.bit() === 0) {
      if (++z > 31) throw new Error(`block: corrupt length code in the ${this.section} section (more than 31 leading zero bits)`);
    }
    return z === 0 ? 1 : 2 ** z + this.read(z);
  }

  /** Throws unless every word was read and the unread bits of the last are zero padding. */
  end(): void {
    if (this.pos !== this.words.length) throw new Error(`block: ${this.words.length - this.pos} unread words after the last section; the block is corrupt`);
    if (this.avail > 0 && this.cur !== 0) throw new Error('block: non-zero padding after the last section; the block is corrupt');
  }
}
