const T = new Int32Array(256 * 16);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++)
  for (let k = 1; k < 16; k++)
    T[k * 256 + n] = ((T[(k - 1) * 256 + n] as number) >>> 8) ^ (T[(T[(k - 1) * 256 + n] as number) & 0xff] as number);
export function crcJs(b: Buffer, s: number, e: number): number {
  let c = -1;
  let i = s;
  for (; i + 16 <= e; i += 16) {
    const a = c ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    const d = b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24);
    const f = b[i + 8]! | (b[i + 9]! << 8) | (b[i + 10]! << 16) | (b[i + 11]! << 24);
    const g = b[i + 12]! | (b[i + 13]! << 8) | (b[i + 14]! << 16) | (b[i + 15]! << 24);
    c =
      T[3840 + (a & 0xff)]! ^
      T[3584 + ((a >>> 8) & 0xff)]! ^
      T[3328 + ((a >>> 16) & 0xff)]! ^
      T[3072 + (a >>> 24)]! ^
      T[2816 + (d & 0xff)]! ^
      T[2560 + ((d >>> 8) & 0xff)]! ^
      T[2304 + ((d >>> 16) & 0xff)]! ^
      T[2048 + (d >>> 24)]! ^
      T[1792 + (f & 0xff)]! ^
      T[1536 + ((f >>> 8) & 0xff)]! ^
      T[1280 + ((f >>> 16) & 0xff)]! ^
      T[1024 + (f >>> 24)]! ^
      T[768 + (g & 0xff)]! ^
      T[512 + ((g >>> 8) & 0xff)]! ^
      T[256 + ((g >>> 16) & 0xff)]! ^
      T[g >>> 24]!;
  }
  for (; i < e; i++) c = T[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
