//go:build !purego && !noasm

#include "textflag.h"

// Horizontal sum of the four lanes of Y into the low lane of X (Y's low
// half), in the order (l0+l2)+(l1+l3) that dotLanes uses. Clobbers X14.
#define HSUM(Y, X) \
	VEXTRACTF128 $1, Y, X14 \
	VADDPD       X14, X, X \
	VPERMILPD    $1, X, X14 \
	VADDSD       X14, X, X

// func kern4x2(a *float64, lda int, b *float64, ldb int, k int, s *[8]float64)
TEXT ·kern4x2(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), R8
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R9
	MOVQ k+32(FP), BX
	MOVQ s+40(FP), DX
	SHLQ $3, R8
	SHLQ $3, R9
	SHLQ $3, BX
	MOVQ BX, CX
	ANDQ $-32, CX
	LEAQ (SI)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (DI)(R9*1), R13
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ AX, AX

loop4x2:
	CMPQ AX, CX
	JGE  sum4x2
	VMOVUPD     (DI)(AX*1), Y8
	VMOVUPD     (R13)(AX*1), Y9
	VMOVUPD     (SI)(AX*1), Y10
	VFMADD231PD Y8, Y10, Y0
	VFMADD231PD Y9, Y10, Y1
	VMOVUPD     (R10)(AX*1), Y11
	VFMADD231PD Y8, Y11, Y2
	VFMADD231PD Y9, Y11, Y3
	VMOVUPD     (R11)(AX*1), Y12
	VFMADD231PD Y8, Y12, Y4
	VFMADD231PD Y9, Y12, Y5
	VMOVUPD     (R12)(AX*1), Y10
	VFMADD231PD Y8, Y10, Y6
	VFMADD231PD Y9, Y10, Y7
	ADDQ        $32, AX
	JMP         loop4x2

sum4x2:
	HSUM(Y0, X0)
	HSUM(Y1, X1)
	HSUM(Y2, X2)
	HSUM(Y3, X3)
	HSUM(Y4, X4)
	HSUM(Y5, X5)
	HSUM(Y6, X6)
	HSUM(Y7, X7)

tail4x2:
	CMPQ        AX, BX
	JGE         done4x2
	VMOVSD      (DI)(AX*1), X8
	VMOVSD      (R13)(AX*1), X9
	VMOVSD      (SI)(AX*1), X10
	VFMADD231SD X8, X10, X0
	VFMADD231SD X9, X10, X1
	VMOVSD      (R10)(AX*1), X10
	VFMADD231SD X8, X10, X2
	VFMADD231SD X9, X10, X3
	VMOVSD      (R11)(AX*1), X10
	VFMADD231SD X8, X10, X4
	VFMADD231SD X9, X10, X5
	VMOVSD      (R12)(AX*1), X10
	VFMADD231SD X8, X10, X6
	VFMADD231SD X9, X10, X7
	ADDQ        $8, AX
	JMP         tail4x2

done4x2:
	VMOVSD X0, 0(DX)
	VMOVSD X1, 8(DX)
	VMOVSD X2, 16(DX)
	VMOVSD X3, 24(DX)
	VMOVSD X4, 32(DX)
	VMOVSD X5, 40(DX)
	VMOVSD X6, 48(DX)
	VMOVSD X7, 56(DX)
	VZEROUPPER
	RET

// func kern1x4(x *float64, b *float64, ldb int, k int, s *[4]float64)
TEXT ·kern1x4(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ ldb+16(FP), R9
	MOVQ k+24(FP), BX
	MOVQ s+32(FP), DX
	SHLQ $3, R9
	SHLQ $3, BX
	MOVQ BX, CX
	ANDQ $-32, CX
	LEAQ (DI)(R9*1), R10
	LEAQ (R10)(R9*1), R11
	LEAQ (R11)(R9*1), R12
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX

loop1x4:
	CMPQ AX, CX
	JGE  sum1x4
	VMOVUPD     (SI)(AX*1), Y8
	VMOVUPD     (DI)(AX*1), Y9
	VFMADD231PD Y9, Y8, Y0
	VMOVUPD     (R10)(AX*1), Y10
	VFMADD231PD Y10, Y8, Y1
	VMOVUPD     (R11)(AX*1), Y11
	VFMADD231PD Y11, Y8, Y2
	VMOVUPD     (R12)(AX*1), Y12
	VFMADD231PD Y12, Y8, Y3
	ADDQ        $32, AX
	JMP         loop1x4

sum1x4:
	HSUM(Y0, X0)
	HSUM(Y1, X1)
	HSUM(Y2, X2)
	HSUM(Y3, X3)

tail1x4:
	CMPQ        AX, BX
	JGE         done1x4
	VMOVSD      (SI)(AX*1), X8
	VMOVSD      (DI)(AX*1), X9
	VFMADD231SD X9, X8, X0
	VMOVSD      (R10)(AX*1), X9
	VFMADD231SD X9, X8, X1
	VMOVSD      (R11)(AX*1), X9
	VFMADD231SD X9, X8, X2
	VMOVSD      (R12)(AX*1), X9
	VFMADD231SD X9, X8, X3
	ADDQ        $8, AX
	JMP         tail1x4

done1x4:
	VMOVSD X0, 0(DX)
	VMOVSD X1, 8(DX)
	VMOVSD X2, 16(DX)
	VMOVSD X3, 24(DX)
	VZEROUPPER
	RET

DATA tanhc<>+0x00(SB)/8, $0x7fffffffffffffff // abs mask
DATA tanhc<>+0x08(SB)/8, $22.0
DATA tanhc<>+0x10(SB)/8, $0x3ff71547652b82fe // log2e, as in tanh.go
DATA tanhc<>+0x18(SB)/8, $0.5
DATA tanhc<>+0x20(SB)/8, $0x3fe62e42fee00000 // ln2Hi
DATA tanhc<>+0x28(SB)/8, $0x3dea39ef35793c76 // ln2Lo
DATA tanhc<>+0x30(SB)/8, $4503599627371519.0 // 2⁵² + 1023
DATA tanhc<>+0x38(SB)/8, $1.0
DATA tanhc<>+0x40(SB)/8, $2.0
GLOBL tanhc<>(SB), RODATA|NOPTR, $72

// func tanhAVX(x []float64, n int)
// Sets x[i] = tanh(x[i]) for i < n, n a multiple of 4, with the
// operations of tanh in tanh.go in the same order (no fused
// multiply-adds), so each lane gives the bits tanh gives.
TEXT ·tanhAVX(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ n+24(FP), CX
	SHLQ $3, CX
	XORQ AX, AX
	VBROADCASTSD tanhc<>+0x00(SB), Y15
	VBROADCASTSD tanhc<>+0x08(SB), Y14
	VBROADCASTSD tanhc<>+0x10(SB), Y13
	VBROADCASTSD tanhc<>+0x18(SB), Y12
	VBROADCASTSD tanhc<>+0x20(SB), Y11
	VBROADCASTSD tanhc<>+0x28(SB), Y10
	VBROADCASTSD tanhc<>+0x30(SB), Y9
	VBROADCASTSD tanhc<>+0x38(SB), Y8

looptanh:
	CMPQ AX, CX
	JGE  donetanh
	VMOVUPD (SI)(AX*1), Y0           // x
	VANDPD  Y15, Y0, Y1              // |x|
	VMINPD  Y1, Y14, Y1              // min(|x|, 22), NaN propagates
	VADDPD  Y1, Y1, Y1               // y = 2a
	VMULPD  Y13, Y1, Y2              // y*log2e
	VADDPD  Y12, Y2, Y2              // + 0.5
	VROUNDPD $1, Y2, Y2              // n = floor
	VMULPD  Y11, Y2, Y3              // n*ln2Hi
	VSUBPD  Y3, Y1, Y3               // y - n*ln2Hi
	VMULPD  Y10, Y2, Y4              // n*ln2Lo
	VSUBPD  Y4, Y3, Y3               // r
	VBROADCASTSD tanhq<>+0x00(SB), Y4
	VBROADCASTSD tanhq<>+0x08(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x10(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x18(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x20(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x28(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x30(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x38(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x40(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x48(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VBROADCASTSD tanhq<>+0x50(SB), Y7
	VMULPD  Y3, Y4, Y4
	VADDPD  Y7, Y4, Y4
	VMULPD  Y3, Y4, Y4
	VADDPD  Y12, Y4, Y4              // + 0.5
	VMULPD  Y3, Y4, Y4
	VADDPD  Y8, Y4, Y4               // + 1: q
	VADDPD  Y9, Y2, Y5               // n + 2⁵² + 1023: low bits hold n+1023
	VPSLLQ  $52, Y5, Y5              // s = 2ⁿ
	VSUBPD  Y8, Y5, Y6               // s - 1
	VMULPD  Y4, Y3, Y4               // r*q
	VMULPD  Y4, Y5, Y4               // s*(r*q)
	VADDPD  Y4, Y6, Y4               // m
	VBROADCASTSD tanhc<>+0x40(SB), Y6
	VADDPD  Y6, Y4, Y6               // m + 2
	VDIVPD  Y6, Y4, Y4               // m/(m+2)
	VANDPD  Y15, Y4, Y4              // clear its sign, as math.Copysign does
	VANDNPD Y0, Y15, Y0              // sign of x
	VORPD   Y0, Y4, Y4               // copysign
	VMOVUPD Y4, (SI)(AX*1)
	ADDQ    $32, AX
	JMP     looptanh

donetanh:
	VZEROUPPER
	RET

DATA tanhq<>+0x00(SB)/8, $0x3de6124613a86d09 // 1/13!
DATA tanhq<>+0x08(SB)/8, $0x3e21eed8eff8d898 // 1/12!
DATA tanhq<>+0x10(SB)/8, $0x3e5ae64567f544e4 // 1/11!
DATA tanhq<>+0x18(SB)/8, $0x3e927e4fb7789f5c // 1/10!
DATA tanhq<>+0x20(SB)/8, $0x3ec71de3a556c734 // 1/9!
DATA tanhq<>+0x28(SB)/8, $0x3efa01a01a01a01a // 1/8!
DATA tanhq<>+0x30(SB)/8, $0x3f2a01a01a01a01a // 1/7!
DATA tanhq<>+0x38(SB)/8, $0x3f56c16c16c16c17 // 1/6!
DATA tanhq<>+0x40(SB)/8, $0x3f81111111111111 // 1/5!
DATA tanhq<>+0x48(SB)/8, $0x3fa5555555555555 // 1/4!
DATA tanhq<>+0x50(SB)/8, $0x3fc5555555555555 // 1/3!
GLOBL tanhq<>(SB), RODATA|NOPTR, $88

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
