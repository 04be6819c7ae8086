//go:build !purego && !noasm

#include "textflag.h"

// The hand-written kernels; the dot products and tanh are in
// kernel_gen_amd64.s, written by internal/asmgen.

DATA one<>+0x00(SB)/8, $1.0
GLOBL one<>(SB), RODATA|NOPTR, $8

// func adamAVX(data, grad, m, v []float64, n int, c *[6]float64)
// One Adam step on the first n elements (n a multiple of 4) without
// weight decay and with β₁ > ½, with c = {1-β₁, β₂, 1-β₂, √bc₂, eps,
// -lr/bc₁}: the operations of Group.update in the same order, four lanes
// at a time (no fused multiply-adds; sqrt and division are exact IEEE
// operations), so each element gets the bits the Go loop gives.
TEXT ·adamAVX(SB), NOSPLIT, $0-112
	MOVQ data_base+0(FP), DI
	MOVQ grad_base+24(FP), SI
	MOVQ m_base+48(FP), R8
	MOVQ v_base+72(FP), R9
	MOVQ n+96(FP), CX
	MOVQ c+104(FP), DX
	SHLQ $3, CX
	XORQ AX, AX
	VBROADCASTSD 0(DX), Y10  // w1
	VBROADCASTSD 8(DX), Y11  // b2
	VBROADCASTSD 16(DX), Y12 // w2
	VBROADCASTSD 24(DX), Y13 // bc2Sqrt
	VBROADCASTSD 32(DX), Y14 // eps
	VBROADCASTSD 40(DX), Y15 // -stepSize

loopadam:
	CMPQ AX, CX
	JGE  doneadam
	VMOVUPD (SI)(AX*1), Y0  // gr
	VMOVUPD (R8)(AX*1), Y1  // m
	VSUBPD  Y1, Y0, Y2      // gr - m
	VMULPD  Y2, Y10, Y2     // w1*(gr - m)
	VADDPD  Y2, Y1, Y1      // m + w1*(gr - m)
	VMOVUPD Y1, (R8)(AX*1)
	VMOVUPD (R9)(AX*1), Y3  // v
	VMULPD  Y11, Y3, Y3     // v*b2
	VMULPD  Y0, Y12, Y4     // w2*gr
	VMULPD  Y0, Y4, Y4      // w2*gr*gr
	VADDPD  Y4, Y3, Y3      // v
	VMOVUPD Y3, (R9)(AX*1)
	VSQRTPD Y3, Y5
	VDIVPD  Y13, Y5, Y5     // √v/√bc2
	VADDPD  Y14, Y5, Y5     // + eps
	VDIVPD  Y5, Y1, Y6      // m/denom
	VMULPD  Y6, Y15, Y6     // -stepSize*(m/denom)
	VMOVUPD (DI)(AX*1), Y7
	VADDPD  Y6, Y7, Y7      // x + ...
	VMOVUPD Y7, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     loopadam

doneadam:
	VZEROUPPER
	RET

// func transposeAVX(dst, src *float64, rows, cols int)
// Sets dst (cols×rows) to the transpose of src (rows×cols), both
// multiples of 4, one 4×4 block at a time: four rows of src in four
// registers, two rounds of shuffles, four columns out.
TEXT ·transposeAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), R8
	MOVQ cols+24(FP), R9
	SHLQ $3, R8              // dst row stride, bytes
	SHLQ $3, R9              // src row stride, bytes
	LEAQ (R8)(R8*2), CX      // 3 dst rows
	LEAQ (R9)(R9*2), DX      // 3 src rows
	XORQ AX, AX              // byte offset of src row block i in a dst row

blockrow:
	CMPQ AX, R8
	JGE  donetranspose
	MOVQ SI, R12             // src block (i, 0)
	LEAQ (DI)(AX*1), R13     // dst block (0, i)
	MOVQ R9, BX              // src bytes left in the row

blockcol:
	TESTQ BX, BX
	JLE   nextrow
	VMOVUPD     (R12), Y0
	VMOVUPD     (R12)(R9*1), Y1
	VMOVUPD     (R12)(R9*2), Y2
	VMOVUPD     (R12)(DX*1), Y3
	VUNPCKLPD   Y1, Y0, Y4   // r0[0] r1[0] r0[2] r1[2]
	VUNPCKHPD   Y1, Y0, Y5   // r0[1] r1[1] r0[3] r1[3]
	VUNPCKLPD   Y3, Y2, Y6
	VUNPCKHPD   Y3, Y2, Y7
	VPERM2F128  $0x20, Y6, Y4, Y0
	VPERM2F128  $0x20, Y7, Y5, Y1
	VPERM2F128  $0x31, Y6, Y4, Y2
	VPERM2F128  $0x31, Y7, Y5, Y3
	VMOVUPD     Y0, (R13)
	VMOVUPD     Y1, (R13)(R8*1)
	VMOVUPD     Y2, (R13)(R8*2)
	VMOVUPD     Y3, (R13)(CX*1)
	ADDQ        $32, R12
	LEAQ        (R13)(R8*4), R13
	SUBQ        $32, BX
	JMP         blockcol

nextrow:
	LEAQ (SI)(R9*4), SI
	ADDQ $32, AX
	JMP  blockrow

donetranspose:
	VZEROUPPER
	RET

// func tanhGradAVX(g, h []float64, n int)
// Sets g[i] *= 1 - h[i]*h[i] for i < n, n a multiple of 4: the
// operations of activateGrad in the same order, so the same bits.
TEXT ·tanhGradAVX(SB), NOSPLIT, $0-56
	MOVQ g_base+0(FP), DI
	MOVQ h_base+24(FP), SI
	MOVQ n+48(FP), CX
	SHLQ $3, CX
	XORQ AX, AX
	VBROADCASTSD one<>(SB), Y15

looptgrad:
	CMPQ    AX, CX
	JGE     donetgrad
	VMOVUPD (SI)(AX*1), Y0
	VMULPD  Y0, Y0, Y0      // v*v
	VSUBPD  Y0, Y15, Y0     // 1 - v*v
	VMOVUPD (DI)(AX*1), Y1
	VMULPD  Y0, Y1, Y1      // g * (1 - v*v)
	VMOVUPD Y1, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     looptgrad

donetgrad:
	VZEROUPPER
	RET

// func smallKAVX(c, a, bt *float64, m, p, k int, add bool)
// Sets (or adds into, if add) the first p&^3 columns of c (m×p) the
// products a bᵀ for k = 1, 2 or 4, given bt = bᵀ (k×p, row-major), four
// columns at a time: the roundings of gemmNT for those k (a0·b0;
// fma(a1, b1, a0·b0); and dotLanes' (s0+s2)+(s1+s3) with s_q = fma(a_q,
// b_q, 0)).
TEXT ·smallKAVX(SB), NOSPLIT, $0-49
	MOVQ    c+0(FP), DI
	MOVQ    a+8(FP), SI
	MOVQ    bt+16(FP), DX
	MOVQ    m+24(FP), R8
	MOVQ    p+32(FP), R12
	MOVQ    R12, CX
	ANDQ    $-4, CX
	SHLQ    $3, CX                   // bytes of the vector columns
	SHLQ    $3, R12                  // row stride of c and bt, bytes
	LEAQ    (DX)(R12*1), R13         // bt row 1
	LEAQ    (R13)(R12*1), BX         // bt row 2
	LEAQ    (BX)(R12*1), R10         // bt row 3
	MOVBLZX add+48(FP), R11
	MOVQ    k+40(FP), R9
	CMPQ    R9, $1
	JEQ     rowk1
	CMPQ    R9, $2
	JEQ     rowk2

rowk4:
	TESTQ        R8, R8
	JLE          donesmallk
	VBROADCASTSD 0(SI), Y8
	VBROADCASTSD 8(SI), Y9
	VBROADCASTSD 16(SI), Y10
	VBROADCASTSD 24(SI), Y11
	XORQ         AX, AX

colk4:
	CMPQ        AX, CX
	JGE         nextk4
	VXORPD      Y0, Y0, Y0
	VXORPD      Y1, Y1, Y1
	VXORPD      Y2, Y2, Y2
	VXORPD      Y3, Y3, Y3
	VFMADD231PD (DX)(AX*1), Y8, Y0   // s0 = fma(a0, b0, 0)
	VFMADD231PD (R13)(AX*1), Y9, Y1  // s1
	VFMADD231PD (BX)(AX*1), Y10, Y2  // s2
	VFMADD231PD (R10)(AX*1), Y11, Y3 // s3
	VADDPD      Y2, Y0, Y0           // s0 + s2
	VADDPD      Y3, Y1, Y1           // s1 + s3
	VADDPD      Y1, Y0, Y0
	TESTQ       R11, R11
	JZ          storek4
	VADDPD      (DI)(AX*1), Y0, Y0

storek4:
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     colk4

nextk4:
	ADDQ $32, SI
	ADDQ R12, DI
	DECQ R8
	JMP  rowk4

rowk2:
	TESTQ        R8, R8
	JLE          donesmallk
	VBROADCASTSD 0(SI), Y8
	VBROADCASTSD 8(SI), Y9
	XORQ         AX, AX

colk2:
	CMPQ        AX, CX
	JGE         nextk2
	VMULPD      (DX)(AX*1), Y8, Y0   // a0·b0
	VFMADD231PD (R13)(AX*1), Y9, Y0  // fma(a1, b1, a0·b0)
	TESTQ       R11, R11
	JZ          storek2
	VADDPD      (DI)(AX*1), Y0, Y0

storek2:
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     colk2

nextk2:
	ADDQ $16, SI
	ADDQ R12, DI
	DECQ R8
	JMP  rowk2

rowk1:
	TESTQ        R8, R8
	JLE          donesmallk
	VBROADCASTSD 0(SI), Y8
	XORQ         AX, AX

colk1:
	CMPQ    AX, CX
	JGE     nextk1
	VMULPD  (DX)(AX*1), Y8, Y0       // a0·b0
	TESTQ   R11, R11
	JZ      storek1
	VADDPD  (DI)(AX*1), Y0, Y0

storek1:
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     colk1

nextk1:
	ADDQ $8, SI
	ADDQ R12, DI
	DECQ R8
	JMP  rowk1

donesmallk:
	VZEROUPPER
	RET

// func colSumAVX(db, delta *float64, rows, cols int)
// Adds the rows of delta (rows×cols) into db, for the first cols&^3
// columns, four columns at a time: each db[j] gets delta[0][j],
// delta[1][j], ... added in row order, as denseBackward's loop does.
TEXT ·colSumAVX(SB), NOSPLIT, $0-32
	MOVQ db+0(FP), DI
	MOVQ delta+8(FP), SI
	MOVQ rows+16(FP), R8
	MOVQ cols+24(FP), R9
	MOVQ R9, CX
	ANDQ $-4, CX
	SHLQ $3, CX              // bytes of the vector columns
	SHLQ $3, R9              // row stride, bytes
	XORQ AX, AX

colsum:
	CMPQ    AX, CX
	JGE     donecolsum
	VMOVUPD (DI)(AX*1), Y0
	LEAQ    (SI)(AX*1), DX
	MOVQ    R8, BX

rowsum:
	TESTQ  BX, BX
	JLE    storecolsum
	VADDPD (DX), Y0, Y0
	ADDQ   R9, DX
	DECQ   BX
	JMP    rowsum

storecolsum:
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     colsum

donecolsum:
	VZEROUPPER
	RET
