/**
 * A WebAssembly module of one function, `crc(at, length) -> i32`: the CRC-32 (as zlib
 * computes it) of `length` bytes of its memory from `at`, by slicing-by-16, with the 16
 * lookup tables of 256 entries in the memory's first {@link TABLE_BYTES} bytes (see
 * {@link crcTables}). Its text form:
 *
 * ```wat
 * (module
 *   (import "spool" "memory" (memory 1))
 *   (func (export "crc") (param $at i32) (param $length i32) (result i32)
 *     (local $crc i32) (local $end i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
 *     (local.set $crc (i32.const -1))
 *     (local.set $end (i32.add (local.get $at) (local.get $length)))
 *     (block $done (loop $sixteen
 *       (br_if $done (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
 *       (local.set $a (i32.xor (i32.load (local.get $at)) (local.get $crc)))
 *       (local.set $b (i32.load offset=4 (local.get $at)))  ;; and $c, $d at 8 and 12
 *       (local.set $crc (i32.xor (table 15 (byte 0 of $a)) (table 14 (byte 1 of $a)) … (table 0 (byte 3 of $d))))
 *       (local.set $at (i32.add (local.get $at) (i32.const 16)))
 *       (br $sixteen)))
 *     (block $rest (loop $one
 *       (br_if $rest (i32.eqz (i32.lt_u (local.get $at) (local.get $end))))
 *       (local.set $crc (i32.xor (table 0 (i32.and (i32.xor (local.get $crc) (i32.load8_u (local.get $at))) (i32.const 255)))
 *                                (i32.shr_u (local.get $crc) (i32.const 8))))
 *       (local.set $at (i32.add (local.get $at) (i32.const 1)))
 *       (br $one)))
 *     (i32.xor (local.get $crc) (i32.const -1))))
 * ```
 *
 * where `(table k x)` is `(i32.load offset=k*1024 (i32.shl x (i32.const 2)))`, and byte `i` of a word `w`
 * shifted into place is `(i32.and (i32.shr_u w (i32.const 8i-2)) (i32.const 0x3fc))` (its offset in a table).
 */

/** Bytes of the lookup tables at the start of the memory. */
export const TABLE_BYTES: number = 16 * 256 * 4;

/** The tables: entry `n` of table 0 is the CRC of byte `n`; table `k` is table `k - 1` advanced by one zero byte. */
export function crcTables(): Int32Array {
  const tables = new Int32Array(16 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let k = 1; k < 16; k++) {
    for (let n = 0; n < 256; n++) {
      const previous = tables[(k - 1) * 256 + n] as number;
      tables[k * 256 + n] = (previous >>> 8) ^ (tables[previous & 0xff] as number);
    }
  }
  return tables;
}

/** Unsigned LEB128, as the binary format writes sizes, indices and offsets. */
function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let n = value;
  do {
    const low = n & 0x7f;
    n >>>= 7;
    bytes.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return bytes;
}

/** Signed LEB128 of a small constant: `i32.const`. */
function constant(value: number): number[] {
  const bytes: number[] = [0x41];
  let n = value;
  for (;;) {
    const low = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (low & 0x40) === 0) || (n === -1 && (low & 0x40) !== 0)) return [...bytes, low];
    bytes.push(low | 0x80);
  }
}

const get = (local: number): number[] => [0x20, local];
const set = (local: number): number[] => [0x21, local];
const load = (offset: number): number[] => [0x28, 0x02, ...unsigned(offset)];
const [ADD, AND, XOR, SHL, SHR_U, LT_U, GT_U, EQZ] = [0x6a, 0x71, 0x73, 0x74, 0x76, 0x49, 0x4b, 0x45];
const [AT, LENGTH, CRC, END] = [0, 1, 2, 3];

/** `(table k (byte i of local))`, the byte's offset in the table (4 times it) taken with one shift and one mask. */
function lookup(table: number, local: number, byte: number): number[] {
  const scaled = byte === 0 ? [...get(local), ...constant(2), SHL] : [...get(local), ...constant(8 * byte - 2), SHR_U];
  return [...scaled, ...constant(0x3fc), AND, ...load(table * 1024)];
}

function body(): number[] {
  const words = [4, 5, 6, 7];
  const sixteen: number[] = [...get(AT), ...constant(16), ADD, ...get(END), GT_U, 0x0d, 0x01];
  sixteen.push(...get(AT), ...load(0), ...get(CRC), XOR, ...set(4));
  for (let w = 1; w < 4; w++) sixteen.push(...get(AT), ...load(4 * w), ...set(words[w] as number));
  for (let i = 0; i < 16; i++) {
    sixteen.push(...lookup(15 - i, words[i >> 2] as number, i & 3));
    if (i > 0) sixteen.push(XOR);
  }
  sixteen.push(...set(CRC), ...get(AT), ...constant(16), ADD, ...set(AT), 0x0c, 0x00);
  const one = [...get(AT), ...get(END), LT_U, EQZ, 0x0d, 0x01];
  one.push(...get(CRC), ...get(AT), 0x2d, 0x00, 0x00, XOR, ...constant(255), AND, ...constant(2), SHL, ...load(0));
  one.push(...get(CRC), ...constant(8), SHR_U, XOR, ...set(CRC), ...get(AT), ...constant(1), ADD, ...set(AT), 0x0c, 0x00);
  return [
    ...[0x01, 0x06, 0x7f], // six i32 locals
    ...constant(-1),
    ...set(CRC),
    ...get(AT),
    ...get(LENGTH),
    ADD,
    ...set(END),
    ...[0x02, 0x40, 0x03, 0x40, ...sixteen, 0x0b, 0x0b],
    ...[0x02, 0x40, 0x03, 0x40, ...one, 0x0b, 0x0b],
    ...get(CRC),
    ...constant(-1),
    XOR,
    0x0b,
  ];
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

function name(text: string): number[] {
  return [text.length, ...Buffer.from(text, 'latin1')];
}

/** The module's binary form. */
export function crcModule(): Uint8Array {
  const code = body();
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f]),
    ...section(2, [0x01, ...name('spool'), ...name('memory'), 0x02, 0x00, 0x01]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('crc'), 0x00, 0x00]),
    ...section(10, [0x01, ...unsigned(code.length), ...code]),
  ]);
}
