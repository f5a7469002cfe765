/**
 * GEMM, f32, row-major: C[m,n] = op(A)[m,k] · op(B)[k,n] (+ C) (+ bias[n]), then an
 * activation. op(X) is X or Xᵀ; with transA, A is stored [k,m]; with transB, B is [n,k].
 *
 * Structure (the BLIS loop nest):
 *   for jc in n step NC:                 B block kc×nc packed into NR-wide panels (in L2)
 *     for pc in k step kc (≤ KC):          k split into equal blocks (784 = 2×392, not 512+272)
 *       for ic in m step MC:             A block mc×kc packed into MR-tall panels (in L2)
 *         for jr in nc step NR:          one B micro-panel kc×NR stays in L1
 *           for ir in mc step MR:        micro-kernel: MR×NR tile held in registers
 * Packing reads either layout of A and B, so A·Bᵀ and Aᵀ·B run the same micro-kernel as A·B.
 * Panels are zero-padded past m and n; edge tiles are computed into a scratch tile and the
 * valid part copied out.
 *
 * Micro-kernels MR×NR = 4×8 and 6×8 (rows × two f32x4 columns): 8 or 12 accumulators + 2 B
 * vectors + the broadcast A value, within the 15 SIMD registers V8 lets wasm use on x64.
 * With the 6-row kernel a block of rows that is not a multiple of 6 ends in 4-row tiles
 * (32 = 4·6 + 2·4, 64 = 10·6 + 4: no padded rows for the LSTM's batch of 32 or the skinny cases).
 * Which one runs, and the block sizes MC, KC, NC, are parameters read from the tuning block
 * (memory-layout.ts) that the host writes once per kernels instance (src/kernels/tuning.ts
 * chooses them by a short calibration); a zero field means the built-in default below.
 * MR, MC and NC never change a result (every element is the same sum in the same order);
 * KC does (it sets where the k blocks end, each added to C in turn).
 *
 * Pointers are byte addresses in linear memory; leading dimensions (lda, ldb, ldc) are in
 * elements. No alignment is required.
 */
import { maddF32x4 } from './simd-helpers';
import { tuningBlock } from './memory-layout';

/**
 * Default micro-tile rows. 4 (8 accumulators) measured fastest on an Intel Xeon, where V8
 * hoisted the six broadcasts of the 6-row kernel and spilled accumulators; on AMD Zen 5 the
 * 6-row kernel compiles without spills and is faster, so the calibration may choose it.
 */
export const MR: i32 = 4;
/** Most micro-tile rows of any kernel (sizes the edge tile). */
const MR_MAX: i32 = 6;
/** Micro-tile columns (two f32x4). Fixed: `gemm_f32_pack_b`'s layout depends on it. */
export const NR: i32 = 8;
/**
 * Default most depth of one k block: a B micro-panel is KC·NR·4 = 16 KiB (L1). 512 measured
 * faster than 256 at 1024² (half the passes over C, which then no longer fits in L2) and no
 * slower elsewhere.
 */
export const KC: i32 = 512;
/** Default rows of one packed A block: MC·KC·4 = 192 KiB (L2). Multiple of 4 and 6. */
export const MC: i32 = 96;
/** Default columns of one packed B block: KC·NC·4 = 1 MiB at most. Multiple of NR. */
export const NC: i32 = 512;

// Fields of the tuning block (i32 each, 0 = default).
const T_MR = 0, T_MC = 4, T_KC = 8, T_NC = 12, T_COST6 = 16, T_GROUP = 20;

// @ts-ignore: decorator
@inline function tuned(offset: usize, fallback: i32): i32 {
  const v = load<i32>(tuningBlock() + offset);
  return v > 0 ? v : fallback;
}

/**
 * Rows of a block of mc rows that the 6-row kernel leaves to 4-row tiles: the rest go to 6-row
 * tiles, so 32 rows are 4·6 + 2·4 (no padding) rather than 6·6 with 4 padded rows. Where mc % 6
 * is 5 the last 6-row tile is padded by one row instead.
 */
// @ts-ignore: decorator
@inline function rows4Of(mc: i32): i32 {
  const rem = mc % 6;
  if (rem == 2) return mc >= 8 ? 8 : mc;
  return rem == 1 || rem == 3 || rem == 4 ? rem : 0;
}

/** Rows a block of mc rows takes once packed into panels (6- and 4-row tiles, or 4 only). */
// @ts-ignore: decorator
@inline function paddedRows(mc: i32, mr: i32): i32 {
  if (mr != 6) return roundUp(mc, 4);
  const r4 = rows4Of(mc);
  return roundUp(mc - r4, 6) + roundUp(r4, 4);
}

/**
 * Micro-tile rows for a product of m rows: the tuned MR (with 6, blocks mix 6- and 4-row tiles,
 * see rows4Of), except that where the 6-row kernel is tuned with a measured cost (T_COST6: its
 * time per useful flop over the 4-row kernel's, in thousandths), 4 rows run alone when the mix
 * would still pad more rows than it saves.
 */
// @ts-ignore: decorator
@inline function rowsFor(m: i32): i32 {
  const mr = tuned(T_MR, MR);
  if (mr != 6) return 4;
  const cost6 = load<i32>(tuningBlock() + T_COST6);
  if (cost6 <= 0) return 6;
  return <i64>paddedRows(m, 6) * <i64>cost6 <= <i64>roundUp(m, 4) * 1000 ? 6 : 4;
}

/** Micro-tile rows of the tuned kernel (for callers that size row chunks, e.g. conv). */
export function gemmRows(): i32 {
  return tuned(T_MR, MR) == 6 ? 6 : 4;
}

/** Up to this many rows of op(A), a non-transposed B is read in place instead of packed. */
const DIRECT_B_MAX_M: i32 = 64;
/** ... as long as B (k·n floats) is at most 1 MiB. */
const DIRECT_B_MAX_FLOATS: i64 = 1 << 18;

/** Default columns of B packed together per sweep down the rows (a multiple of NR). */
const PACK_B_GROUP: i32 = 64;

/** Activation codes shared with the host. */
export const ACTIVATION_NONE: i32 = 0;
export const ACTIVATION_RELU: i32 = 1;
export const ACTIVATION_SIGMOID: i32 = 2;
export const ACTIVATION_TANH: i32 = 3;

// @ts-ignore: decorator
@inline function min32(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

// @ts-ignore: decorator
@inline function roundUp(x: i32, multiple: i32): i32 {
  return ((x + multiple - 1) / multiple) * multiple;
}

/** Depth of the k blocks: k split into the fewest blocks of at most KC, of equal depth. */
// @ts-ignore: decorator
@inline function kBlock(k: i32, most: i32): i32 {
  const blocks = (k + most - 1) / most;
  return (k + blocks - 1) / blocks;
}

/**
 * Bytes of scratch space `gemm_f32` needs for these sizes (packed A block, packed B block
 * and one edge tile). The host passes that many bytes at `work`.
 */
export function gemm_f32_workspace_bytes(m: i32, n: i32, k: i32): i32 {
  // min(KC, k), not kBlock(k): kBlock is not monotone (kBlock(513) = 257 < kBlock(512) = 512),
  // and callers (the conv passes) size one workspace for their largest chunk, then run
  // smaller ones in it. min(KC, k) bounds kBlock(k') for every k' <= k. Rows are rounded up
  // to 12, a multiple of either kernel's rows, so the size is monotone in m as well.
  const kc = min32(tuned(T_KC, KC), k > 0 ? k : 1);
  const mc = roundUp(min32(tuned(T_MC, MC), m > 0 ? m : 1), 12);
  const nc = roundUp(min32(tuned(T_NC, NC), n > 0 ? n : 1), NR);
  return (mc * kc + kc * nc + MR_MAX * NR) * 4 + 64;
}

/**
 * C = op(A)·op(B) (+ C when `accumulate`) (+ bias) then `activation`, see the file header.
 *
 * @param a      byte pointer to A: [m,k] row-major, or [k,m] when `transA`
 * @param lda    row stride of A in elements (≥ k, or ≥ m when `transA`)
 * @param b      byte pointer to B: [k,n] row-major, or [n,k] when `transB`
 * @param c      byte pointer to C: [m,n] row-major with row stride `ldc`
 * @param bias   byte pointer to bias[n], or 0 for none
 * @param activation one of the ACTIVATION_* codes
 * @param accumulate when true C += product, else C = product
 * @param work   `gemm_f32_workspace_bytes(m, n, k)` bytes of scratch
 */
export function gemm_f32(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32,
  bias: usize, activation: i32, accumulate: bool,
  work: usize,
): void {
  gemm(m, n, k, a, lda, transA, b, ldb, transB, false, c, ldc, bias, activation, accumulate, work);
}

/**
 * Floats of op(B) [k,n] packed by `gemm_f32_pack_b`: ⌈n/NR⌉ panels of k×NR (zero-padded).
 */
export function gemm_f32_packed_b_floats(k: i32, n: i32): i32 {
  return roundUp(n > 0 ? n : 0, NR) * (k > 0 ? k : 0);
}

/**
 * Packs op(B) [k,n] (B stored [k,n], or [n,k] when `transB`, row stride `ldb`) once into the
 * layout `gemm_f32_packed_b` reads: NR-column panels over all of k, panel j at float
 * j·k·NR, row p of it at + p·NR, columns past n zero. For an operand used in many products.
 */
export function gemm_f32_pack_b(k: i32, n: i32, b: usize, ldb: i32, transB: bool, dst: usize): void {
  if (k <= 0 || n <= 0) return;
  packB(b, ldb, transB, 0, 0, k, n, dst);
}

/**
 * `gemm_f32` with op(B) already packed by `gemm_f32_pack_b` (same k and n): no packing of B
 * per call, and each micro-panel is read as one contiguous stream. `work` as for gemm_f32.
 */
export function gemm_f32_packed_b(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize,
  c: usize, ldc: i32,
  bias: usize, activation: i32, accumulate: bool,
  work: usize,
): void {
  gemm(m, n, k, a, lda, transA, b, 0, false, true, c, ldc, bias, activation, accumulate, work);
}

function gemm(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool, bPacked: bool,
  c: usize, ldc: i32,
  bias: usize, activation: i32, accumulate: bool,
  work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    // Empty sum: C keeps its value (accumulate) or becomes 0, then the epilogue.
    for (let i = 0; i < m; i++) {
      const row = c + <usize>i * <usize>ldc * 4;
      if (!accumulate) memory.fill(row, 0, <usize>n * 4);
      epilogue(row, ldc, 1, n, bias, activation);
    }
    return;
  }
  // Few rows of A and a B that stays in L2: each B panel serves only m/MR micro-tiles,
  // so read B in place (rows ldb apart) instead of packing it; only a ragged last panel is
  // packed. (A larger B measured faster packed: the in-place reads then come from L3.) The size
  // is what the rows span, k·ldb: a column block of a wider B (a thread's chunk) is not small.
  const directB = !bPacked && !transB && m <= DIRECT_B_MAX_M && <i64>k * <i64>ldb <= DIRECT_B_MAX_FLOATS;
  // the block sizes and micro-kernel of this instance's tuning (see the file header)
  const mr = rowsFor(m);
  const mcTuned = tuned(T_MC, MC);
  const mcBlock = max<i32>(mcTuned - mcTuned % mr, mr);
  const ncBlock = roundUp(tuned(T_NC, NC), NR);
  // One block of A against a large B: B is packed a group of panels at a time (see below).
  const fusedB = !bPacked && !directB && m <= mcBlock;
  const group = roundUp(tuned(T_GROUP, PACK_B_GROUP), NR);
  // k blocks depend on k alone: a product split over threads (along m or n) then sums every
  // element in the same order, so the result does not depend on the thread count.
  const kcMax = kBlock(k, tuned(T_KC, KC));
  // room for any block's panels: paddedRows(mc) ≤ mc + 3 ≤ roundUp(mc, 12) (the workspace's rows)
  const mcMax = mr == 6 ? roundUp(min32(mcBlock, m), 12) : roundUp(min32(mcBlock, m), 4);
  const packedA = (work + 15) & ~<usize>15;
  const packedB = packedA + <usize>(mcMax * kcMax) * 4;
  const nc0 = roundUp(min32(ncBlock, n), NR);
  const tile = packedB + <usize>(kcMax * nc0) * 4;
  const ldcBytes = <usize>ldc * 4;

  for (let jc = 0; jc < n; jc += ncBlock) {
    const nc = min32(ncBlock, n - jc);
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = min32(kcMax, k - pc);
      const addToC = accumulate || pc > 0;
      const lastBlock = pc + kc >= k;
      const fullCols = nc - nc % NR;
      const packedPanelBytes = <usize>(kc * NR) * 4;
      // direct B: the last, ragged panel (fewer than NR columns) is packed here
      const raggedPanel = packedB + <usize>(fullCols * kc) * 4;
      if (fusedB) {
        // One block of A against a large B: pack B a group of panels at a time and use each
        // group at once, while it is still in L1/L2, instead of packing the whole kc×nc block
        // first (which, written out in full, is read back from farther away).
        packBlockA(a, lda, transA, 0, pc, m, kc, packedA, mr);
        for (let jg = 0; jg < nc; jg += group) {
          const g = min32(group, nc - jg);
          packB(b, ldb, transB, pc, jc + jg, kc, g, packedB);
          macroKernel(m, g, kc, packedA, packedB, packedPanelBytes, NR * 4, c + <usize>(jc + jg) * 4, ldcBytes, addToC, lastBlock, bias != 0 ? bias + <usize>(jc + jg) * 4 : 0, activation, tile, mr);
        }
        continue;
      }
      if (bPacked) {
        // nothing to pack
      } else if (!directB) {
        packB(b, ldb, transB, pc, jc, kc, nc, packedB);
      } else if (fullCols < nc) {
        for (let p = 0; p < kc; p++) {
          packBColumnsScalar(b, <usize>ldb * 4, false, pc + p, jc + fullCols, nc - fullCols, raggedPanel + <usize>(p * NR) * 4);
        }
      }
      for (let ic = 0; ic < m; ic += mcBlock) {
        const mc = min32(mcBlock, m - ic);
        packBlockA(a, lda, transA, ic, pc, mc, kc, packedA, mr);
        const cBlock = c + <usize>ic * ldcBytes + <usize>jc * 4;
        const biasBlock = bias != 0 ? bias + <usize>jc * 4 : 0;
        if (bPacked) {
          // panels of NR columns over all of k: this k block starts pc rows into each
          const bBlock = b + (<usize>jc * <usize>k + <usize>pc * NR) * 4;
          macroKernel(mc, nc, kc, packedA, bBlock, <usize>(k * NR) * 4, NR * 4, cBlock, ldcBytes, addToC, lastBlock, biasBlock, activation, tile, mr);
        } else if (directB) {
          // the whole panels read in place, rows ldb apart; then the ragged one
          const bBlock = b + (<usize>pc * <usize>ldb + <usize>jc) * 4;
          macroKernel(mc, fullCols, kc, packedA, bBlock, NR * 4, <usize>ldb * 4, cBlock, ldcBytes, addToC, lastBlock, biasBlock, activation, tile, mr);
          if (fullCols < nc) {
            const raggedBias = biasBlock != 0 ? biasBlock + <usize>fullCols * 4 : 0;
            macroKernel(mc, nc - fullCols, kc, packedA, raggedPanel, packedPanelBytes, NR * 4,
              cBlock + <usize>fullCols * 4, ldcBytes, addToC, lastBlock, raggedBias, activation, tile, mr);
          }
        } else {
          macroKernel(mc, nc, kc, packedA, packedB, packedPanelBytes, NR * 4, cBlock, ldcBytes, addToC, lastBlock, biasBlock, activation, tile, mr);
        }
      }
    }
  }
}

/**
 * The two inner loops: C[0:mc, 0:nc] (+)= packedA · B, then the epilogue when `lastBlock`.
 * B's NR-column panels start `panelBytes` apart from `b`, and a panel's rows (one per p)
 * `bStride` bytes apart: packed panels (kc·NR·4 and NR·4), panels packed once over all of k
 * (k·NR·4 and NR·4), or B read in place (NR·4 and ldb·4). `bias` is offset to column 0.
 */
function macroKernel(
  mc: i32, nc: i32, kc: i32, packedA: usize, b: usize, panelBytes: usize, bStride: usize,
  c: usize, ldcBytes: usize, addToC: bool, lastBlock: bool, bias: usize, activation: i32, tile: usize,
  tuneRows: i32,
): void {
  const ldc = <i32>(ldcBytes >> 2);
  // with the 6-row kernel, rows below rows6 in 6-row tiles, the rest in 4-row ones (packBlockA)
  const rows6 = tuneRows == 6 ? mc - rows4Of(mc) : 0;
  let bPanel = b;
  for (let jr = 0; jr < nc; jr += NR, bPanel += panelBytes) {
    const nr = min32(NR, nc - jr);
    const rowBias = bias != 0 ? bias + <usize>jr * 4 : 0;
    for (let ir = 0; ir < mc; ) {
      const MR = ir < rows6 ? 6 : 4;
      const mr = min32(MR, mc - ir);
      const aPanel = packedA + <usize>(ir * kc) * 4;
      const cTile = c + <usize>ir * ldcBytes + <usize>jr * 4;
      if (mr == MR && nr == NR) {
        microKernel(MR, kc, aPanel, bPanel, cTile, ldcBytes, addToC, bStride, tile);
      } else {
        microKernel(MR, kc, aPanel, bPanel, tile, NR * 4, false, bStride, tile);
        copyTile(tile, cTile, ldcBytes, mr, nr, addToC);
      }
      if (lastBlock && (rowBias != 0 || activation != ACTIVATION_NONE)) {
        epilogue(cTile, ldc, mr, nr, rowBias, activation);
      }
      ir += MR;
    }
  }
}

/** Packs a block of A for macroKernel: 6-row panels then 4-row ones (rows4Of), or 4-row only. */
function packBlockA(a: usize, lda: i32, transA: bool, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize, tuneRows: i32): void {
  if (tuneRows != 6) {
    packA(a, lda, transA, ic, pc, mc, kc, dst, 4);
    return;
  }
  const r4 = rows4Of(mc);
  const r6 = mc - r4;
  if (r6 > 0) packA(a, lda, transA, ic, pc, r6, kc, dst, 6);
  if (r4 > 0) packA(a, lda, transA, ic + r6, pc, r4, kc, dst + <usize>(roundUp(r6, 6) * kc) * 4, 4);
}

/** Packs A[ic:ic+mc, pc:pc+kc] (of op(A)) into MR-row panels (MR = 4 or 6): panel[p*MR + i]. */
function packA(a: usize, lda: i32, transA: bool, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize, MR: i32): void {
  const ldaBytes = <usize>lda * 4;
  const stride = <usize>MR * 4;
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min32(MR, mc - ip);
    const panel = dst + <usize>(ip * kc) * 4;
    if (transA) {
      // A stored [k,m]: the MR values of one p are contiguous.
      let src = a + <usize>(pc) * ldaBytes + <usize>(ic + ip) * 4;
      if (rows == MR) {
        let out = panel;
        for (let p = 0; p < kc; p++) {
          if (ASC_FEATURE_SIMD) {
            v128.store(out, v128.load(src));
          } else {
            store<u64>(out, load<u64>(src));
            store<u64>(out, load<u64>(src, 8), 8);
          }
          if (MR == 6) store<u64>(out, load<u64>(src, 16), 16);
          src += ldaBytes;
          out += stride;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const out = panel + <usize>(p * MR) * 4;
          for (let i = 0; i < MR; i++) {
            store<f32>(out + <usize>i * 4, i < rows ? load<f32>(src + <usize>i * 4) : 0);
          }
          src += ldaBytes;
        }
      }
    } else {
      // A stored [m,k]: each of the MR rows is contiguous along p.
      const row0 = a + <usize>(ic + ip) * ldaBytes + <usize>pc * 4;
      let p = 0;
      if (ASC_FEATURE_SIMD && rows == MR) {
        if (MR == 4) {
          for (; p + 4 <= kc; p += 4) {
            transpose4x4Store(row0 + <usize>p * 4, ldaBytes, panel + <usize>(p * 4) * 4, 16);
          }
        } else {
          // rows 0-3 as a 4×4 transpose, rows 4-5 interleaved in pairs: 24 bytes per p
          const row4 = row0 + 4 * ldaBytes;
          for (; p + 4 <= kc; p += 4) {
            const out = panel + <usize>(p * 6) * 4;
            transpose4x4Store(row0 + <usize>p * 4, ldaBytes, out, 24);
            const v4 = v128.load(row4 + <usize>p * 4), v5 = v128.load(row4 + ldaBytes + <usize>p * 4);
            const lo = v128.shuffle<f32>(v4, v5, 0, 4, 1, 5), hi = v128.shuffle<f32>(v4, v5, 2, 6, 3, 7);
            v128.store64_lane(out + 16, lo, 0);
            v128.store64_lane(out + 40, lo, 1);
            v128.store64_lane(out + 64, hi, 0);
            v128.store64_lane(out + 88, hi, 1);
          }
        }
      }
      for (; p < kc; p++) {
        const out = panel + <usize>(p * MR) * 4;
        const src = row0 + <usize>p * 4;
        for (let i = 0; i < MR; i++) {
          store<f32>(out + <usize>i * 4, i < rows ? load<f32>(src + <usize>i * ldaBytes) : 0);
        }
      }
    }
  }
}

/** Packs B[pc:pc+kc, jc:jc+nc] (of op(B)) into NR-column panels: panel[p*NR + j]. */
function packB(b: usize, ldb: i32, transB: bool, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize): void {
  const ldbBytes = <usize>ldb * 4;
  const fullCols = nc - nc % NR;
  const panelBytes = <usize>(kc * NR) * 4;
  if (!transB) {
    // B stored [k,n]: walk each row of B once, front to back, dealing 8-float pieces out to
    // the panels. (Walking one panel down the rows instead reads with a stride of ldb, which
    // for power-of-two widths keeps hitting the same cache sets.)
    for (let jg = 0; jg < fullCols; jg += PACK_B_GROUP) {
      const groupEnd = jg + PACK_B_GROUP < fullCols ? jg + PACK_B_GROUP : fullCols;
      for (let p = 0; p < kc; p++) {
        const src = b + <usize>(pc + p) * ldbBytes + <usize>jc * 4;
        let out = dst + <usize>(jg * kc + p * NR) * 4;
        for (let j = jg; j < groupEnd; j += NR) {
          if (ASC_FEATURE_SIMD) {
            v128.store(out, v128.load(src + <usize>j * 4));
            v128.store(out, v128.load(src + <usize>j * 4, 16), 16);
          } else {
            memory.copy(out, src + <usize>j * 4, 32);
          }
          out += panelBytes;
        }
      }
    }
  } else if (ASC_FEATURE_SIMD) {
    // B stored [n,k]: each of the NR columns is contiguous along p; transpose 4×4 blocks.
    for (let jp = 0; jp < fullCols; jp += NR) {
      const col0 = b + <usize>(jc + jp) * ldbBytes + <usize>pc * 4;
      const panel = dst + <usize>(jp * kc) * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = col0 + <usize>p * 4;
        const out = panel + <usize>(p * NR) * 4;
        transpose4x4Store(s, ldbBytes, out, NR * 4);
        transpose4x4Store(s + 4 * ldbBytes, ldbBytes, out + 16, NR * 4);
      }
      for (; p < kc; p++) packBColumnsScalar(b, ldbBytes, true, pc + p, jc + jp, NR, panel + <usize>(p * NR) * 4);
    }
  } else {
    for (let jp = 0; jp < fullCols; jp += NR) {
      const panel = dst + <usize>(jp * kc) * 4;
      for (let p = 0; p < kc; p++) packBColumnsScalar(b, ldbBytes, true, pc + p, jc + jp, NR, panel + <usize>(p * NR) * 4);
    }
  }
  if (fullCols < nc) {
    // Ragged last panel, zero-padded to NR columns.
    const panel = dst + <usize>(fullCols * kc) * 4;
    for (let p = 0; p < kc; p++) {
      packBColumnsScalar(b, ldbBytes, transB, pc + p, jc + fullCols, nc - fullCols, panel + <usize>(p * NR) * 4);
    }
  }
}

/** Writes op(B)[p, j0:j0+cols] to out[0:NR], zero-filling columns past `cols`. */
function packBColumnsScalar(b: usize, ldbBytes: usize, transB: bool, p: i32, j0: i32, cols: i32, out: usize): void {
  for (let j = 0; j < NR; j++) {
    let v: f32 = 0;
    if (j < cols) {
      v = transB
        ? load<f32>(b + <usize>(j0 + j) * ldbBytes + <usize>p * 4)
        : load<f32>(b + <usize>p * ldbBytes + <usize>(j0 + j) * 4);
    }
    store<f32>(out + <usize>j * 4, v);
  }
}

/** Reads a 4×4 block (rows `srcStride` bytes apart) and writes its transpose. */
// @ts-ignore: decorator
@inline function transpose4x4Store(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const v0 = v128.load(src), v1 = v128.load(src + srcStride);
  const v2 = v128.load(src + 2 * srcStride), v3 = v128.load(src + 3 * srcStride);
  const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** Runs the MR×8 micro-kernel (MR = 4 or 6, see `rowsFor`). */
// @ts-ignore: decorator
@inline function microKernel(MR: i32, kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, addToC: bool, bStride: usize, tile: usize): void {
  if (!ASC_FEATURE_SIMD) {
    microKernelScalar(MR, kc, ap, bp, c, ldcBytes, addToC, bStride);
  } else if (MR == 6) {
    microKernel6x8(kc, ap, bp, c, ldcBytes, addToC, bStride, tile);
  } else {
    microKernel4x8(kc, ap, bp, c, ldcBytes, addToC, bStride);
  }
}

/**
 * The register-blocked core: a 4×8 tile of C from a packed A panel (4 values per p) and a
 * packed B panel (8 values per p), 8 accumulators, 14 registers with the broadcasts. Writes C,
 * or adds to it when `addToC`.
 */
function microKernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, addToC: bool, bStride: usize): void {
  const zero = f32x4.splat(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = maddF32x4(a, b0, c00); c01 = maddF32x4(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = maddF32x4(a, b0, c10); c11 = maddF32x4(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = maddF32x4(a, b0, c20); c21 = maddF32x4(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = maddF32x4(a, b0, c30); c31 = maddF32x4(a, b1, c31);
    ap += 16;
    bp += bStride;
  }
  storeRow(c, c00, c01, addToC); c += ldcBytes;
  storeRow(c, c10, c11, addToC); c += ldcBytes;
  storeRow(c, c20, c21, addToC); c += ldcBytes;
  storeRow(c, c30, c31, addToC);
}

/**
 * The 6×8 tile: 12 accumulators + 2 B vectors + 1 broadcast = 15 registers. Adding to C goes
 * through the edge tile (`tile`, written here, then added by copyTile): with the add in the
 * kernel's own stores, V8 loaded all six broadcasts at the top of the loop and spilled four
 * accumulators every iteration (half speed); written this way it keeps one broadcast live.
 */
// @ts-ignore: decorator
@inline function microKernel6x8(kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, addToC: bool, bStride: usize, tile: usize): void {
  if (addToC) {
    microKernel6x8Store(kc, ap, bp, tile, NR * 4, bStride);
    copyTile(tile, c, ldcBytes, 6, NR, true);
  } else {
    microKernel6x8Store(kc, ap, bp, c, ldcBytes, bStride);
  }
}

/** The 6×8 register-blocked core: writes the tile to C (row stride `ldcBytes`). */
function microKernel6x8Store(kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, bStride: usize): void {
  const zero = f32x4.splat(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero;
  let c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = maddF32x4(a, b0, c00); c01 = maddF32x4(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = maddF32x4(a, b0, c10); c11 = maddF32x4(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = maddF32x4(a, b0, c20); c21 = maddF32x4(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = maddF32x4(a, b0, c30); c31 = maddF32x4(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = maddF32x4(a, b0, c40); c41 = maddF32x4(a, b1, c41);
    a = v128.load32_splat(ap, 20);
    c50 = maddF32x4(a, b0, c50); c51 = maddF32x4(a, b1, c51);
    ap += 24;
    bp += bStride;
  }
  v128.store(c, c00); v128.store(c, c01, 16); c += ldcBytes;
  v128.store(c, c10); v128.store(c, c11, 16); c += ldcBytes;
  v128.store(c, c20); v128.store(c, c21, 16); c += ldcBytes;
  v128.store(c, c30); v128.store(c, c31, 16); c += ldcBytes;
  v128.store(c, c40); v128.store(c, c41, 16); c += ldcBytes;
  v128.store(c, c50); v128.store(c, c51, 16);
}

// @ts-ignore: decorator
@inline function storeRow(c: usize, lo: v128, hi: v128, addToC: bool): void {
  if (addToC) {
    lo = f32x4.add(v128.load(c), lo);
    hi = f32x4.add(v128.load(c, 16), hi);
  }
  v128.store(c, lo);
  v128.store(c, hi, 16);
}

/** Scalar build: the same tile, one row of 8 accumulators at a time. */
function microKernelScalar(MR: i32, kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, addToC: bool, bStride: usize): void {
  for (let i = 0; i < MR; i++) {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0, s4: f32 = 0, s5: f32 = 0, s6: f32 = 0, s7: f32 = 0;
    let pa = ap + <usize>i * 4;
    let pb = bp;
    for (let p = 0; p < kc; p++) {
      const x = load<f32>(pa);
      s0 += x * load<f32>(pb); s1 += x * load<f32>(pb, 4); s2 += x * load<f32>(pb, 8); s3 += x * load<f32>(pb, 12);
      s4 += x * load<f32>(pb, 16); s5 += x * load<f32>(pb, 20); s6 += x * load<f32>(pb, 24); s7 += x * load<f32>(pb, 28);
      pa += MR * 4;
      pb += bStride;
    }
    const row = c + <usize>i * ldcBytes;
    if (addToC) {
      s0 += load<f32>(row); s1 += load<f32>(row, 4); s2 += load<f32>(row, 8); s3 += load<f32>(row, 12);
      s4 += load<f32>(row, 16); s5 += load<f32>(row, 20); s6 += load<f32>(row, 24); s7 += load<f32>(row, 28);
    }
    store<f32>(row, s0); store<f32>(row, s1, 4); store<f32>(row, s2, 8); store<f32>(row, s3, 12);
    store<f32>(row, s4, 16); store<f32>(row, s5, 20); store<f32>(row, s6, 24); store<f32>(row, s7, 28);
  }
}

/** Copies the valid mr×nr part of a scratch tile (row stride NR) to C, or adds it. */
function copyTile(tile: usize, c: usize, ldcBytes: usize, mr: i32, nr: i32, addToC: bool): void {
  for (let i = 0; i < mr; i++) {
    const src = tile + <usize>(i * NR) * 4;
    const dst = c + <usize>i * ldcBytes;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= nr; j += 4) {
        const o = <usize>j * 4;
        const v = v128.load(src + o);
        v128.store(dst + o, addToC ? f32x4.add(v128.load(dst + o), v) : v);
      }
    }
    for (; j < nr; j++) {
      const o = <usize>j * 4;
      const v = load<f32>(src + o);
      store<f32>(dst + o, addToC ? load<f32>(dst + o) + v : v);
    }
  }
}

/**
 * Adds bias[j] (when `bias` is non-zero) and applies the activation to a rows×cols region
 * of C. relu is max(x, 0) with wasm semantics: NaN stays NaN.
 */
export function epilogue(c: usize, ldc: i32, rows: i32, cols: i32, bias: usize, activation: i32): void {
  const ldcBytes = <usize>ldc * 4;
  for (let i = 0; i < rows; i++) {
    const row = c + <usize>i * ldcBytes;
    let j = 0;
    if (ASC_FEATURE_SIMD && activation <= ACTIVATION_RELU) {
      const zero = f32x4.splat(0);
      for (; j + 4 <= cols; j += 4) {
        const o = <usize>j * 4;
        let v = v128.load(row + o);
        if (bias != 0) v = f32x4.add(v, v128.load(bias + o));
        if (activation == ACTIVATION_RELU) v = f32x4.max(v, zero);
        v128.store(row + o, v);
      }
    }
    for (; j < cols; j++) {
      const o = <usize>j * 4;
      let v = load<f32>(row + o);
      if (bias != 0) v += load<f32>(bias + o);
      store<f32>(row + o, activate(v, activation));
    }
  }
}

/** Scalar activation; codes as ACTIVATION_*. */
// @ts-ignore: decorator
@inline export function activate(v: f32, activation: i32): f32 {
  if (activation == ACTIVATION_RELU) return max<f32>(v, 0);
  if (activation == ACTIVATION_SIGMOID) return <f32>1 / (<f32>1 + Mathf.exp(-v));
  if (activation == ACTIVATION_TANH) return Mathf.tanh(v);
  return v;
}
