// Pooling over (planes, H, W) -> (planes, OH, OW); output sizes come from the host (ceil_mode
// included). Window rules as in core/ops/pool.cpp (PyTorch's).

__kernel void max_pool(__global const float* x, __global float* y, int H, int W, int OH, int OW, int KH, int KW,
                       int SH, int SW, int PH, int PW, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const int ox = i % OW, oy = (i / OW) % OH, p = i / (OW * OH);
  const int y0 = oy * SH - PH, x0 = ox * SW - PW;
  const int y1 = min(y0 + KH, H), x1 = min(x0 + KW, W);
  float m = -INFINITY;
  for (int iy = max(y0, 0); iy < y1; ++iy)
    for (int ix = max(x0, 0); ix < x1; ++ix) m = fmax(m, x[(p * H + iy) * W + ix]);
  y[i] = m;
}

__kernel void avg_pool(__global const float* x, __global float* y, int H, int W, int OH, int OW, int KH, int KW,
                       int SH, int SW, int PH, int PW, int count_include_pad, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const int ox = i % OW, oy = (i / OW) % OH, p = i / (OW * OH);
  int y0 = oy * SH - PH, x0 = ox * SW - PW;
  int y1 = min(y0 + KH, H + PH), x1 = min(x0 + KW, W + PW);
  const int padded_area = (y1 - y0) * (x1 - x0);
  y0 = max(y0, 0), x0 = max(x0, 0), y1 = min(y1, H), x1 = min(x1, W);
  float acc = 0.0f;
  for (int iy = y0; iy < y1; ++iy)
    for (int ix = x0; ix < x1; ++ix) acc += x[(p * H + iy) * W + ix];
  y[i] = acc / (float)(count_include_pad ? padded_area : (y1 - y0) * (x1 - x0));
}

// Output (oy, ox) averages rows [floor(oy*H/OH), ceil((oy+1)*H/OH)) and likewise columns; with
// OH = OW = 1 it is the global average pool.
__kernel void adaptive_avg_pool(__global const float* x, __global float* y, int H, int W, int OH, int OW, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const int ox = i % OW, oy = (i / OW) % OH, p = i / (OW * OH);
  const int y0 = (oy * H) / OH, y1 = ((oy + 1) * H + OH - 1) / OH;
  const int x0 = (ox * W) / OW, x1 = ((ox + 1) * W + OW - 1) / OW;
  float acc = 0.0f;
  for (int iy = y0; iy < y1; ++iy)
    for (int ix = x0; ix < x1; ++ix) acc += x[(p * H + iy) * W + ix];
  y[i] = acc / (float)((y1 - y0) * (x1 - x0));
}
