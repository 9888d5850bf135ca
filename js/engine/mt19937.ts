// PyTorch's CPU generator: at::mt19937 seeded by torch.manual_seed(seed). Only the low 32 bits
// of the seed reach the state (init_with_uint32), as in ATen/core/MT19937RNGEngine.h.

const N = 624;
const M = 397;

export class MT19937 {
  private readonly state = new Uint32Array(N);
  private left = 1;
  private next = 0;
  /** The cached second Box-Muller sample of normal_distribution<double> (CPUGeneratorImpl). */
  nextDoubleNormal: number | null = null;

  constructor(seed: number | bigint) {
    const s = this.state;
    s[0] = low32(seed);
    for (let j = 1; j < N; j++) {
      const prev = s[j - 1];
      s[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
  }

  /** One tempered 32-bit output (CPUGeneratorImpl::random). */
  random(): number {
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** uniform_real_distribution<float>(0, 1): 24 random bits / 2**24. */
  uniformFloat(): number {
    return (this.random() & 0xffffff) / 16777216;
  }

  /** uniform_real_distribution<double>(0, 1): the low 53 bits of random64() / 2**53. */
  uniformDouble(): number {
    const hi = this.random(); // random64 = (first << 32) | second
    const lo = this.random();
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  private twist(): void {
    const s = this.state;
    const mix = (u: number, v: number) => ((((u & 0x80000000) | (v & 0x7fffffff)) >>> 1) ^ (v & 1 ? 0x9908b0df : 0)) >>> 0;
    let p = 0;
    for (let j = N - M; j > 0; j--, p++) s[p] = (s[p + M] ^ mix(s[p], s[p + 1])) >>> 0;
    for (let j = M; --j > 0; p++) s[p] = (s[p + M - N] ^ mix(s[p], s[p + 1])) >>> 0;
    s[p] = (s[p + M - N] ^ mix(s[p], s[0])) >>> 0;
    this.left = N;
    this.next = 0;
  }
}

/** seed & 0xffffffff for a non-negative integer seed given as a number or bigint. */
function low32(seed: number | bigint): number {
  if (typeof seed === "bigint") return Number(seed & 0xffffffffn);
  return Number(BigInt(seed) & 0xffffffffn);
}
