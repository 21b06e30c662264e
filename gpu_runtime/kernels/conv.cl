// Convolution helpers: im2col for the GEMM path (CLBlast), and a direct depthwise kernel.

// col (Cg*KH*KW, OH*OW) of image `n`, channels [c0, c0 + Cg): row r = (c*KH + ky)*KW + kx.
__kernel void im2col(__global const float* x, __global float* col, int C, int H, int W, int KH, int KW, int SH,
                     int SW, int PH, int PW, int DH, int DW, int OH, int OW, int n, int c0, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const int p = i % (OH * OW), r = i / (OH * OW);
  const int ox = p % OW, oy = p / OW;
  const int kx = r % KW, ky = (r / KW) % KH, c = r / (KW * KH);
  const int iy = oy * SH - PH + ky * DH, ix = ox * SW - PW + kx * DW;
  col[i] = (iy >= 0 && iy < H && ix >= 0 && ix < W) ? x[((n * C + c0 + c) * H + iy) * W + ix] : 0.0f;
}

// Depthwise (groups == C): output channel o reads input channel o / M (M outputs per input).
__kernel void depthwise_conv(__global const float* x, __global const float* w, __global const float* bias,
                             __global float* y, int has_bias, int C, int H, int W, int M, int KH, int KW, int SH,
                             int SW, int PH, int PW, int DH, int DW, int OH, int OW, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const int ox = i % OW, oy = (i / OW) % OH, o = (i / (OW * OH)) % (C * M), n = i / (OW * OH * C * M);
  const int c = o / M;
  __global const float* xp = x + (n * C + c) * H * W;
  __global const float* wp = w + o * KH * KW;
  float acc = has_bias ? bias[o] : 0.0f;
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = oy * SH - PH + ky * DH;
    if (iy < 0 || iy >= H) continue;
    for (int kx = 0; kx < KW; ++kx) {
      const int ix = ox * SW - PW + kx * DW;
      if (ix >= 0 && ix < W) acc += xp[iy * W + ix] * wp[ky * KW + kx];
    }
  }
  y[i] = acc;
}
