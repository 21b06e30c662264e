// Elementwise kernels. Every kernel takes `total` and runs one work-item per output element
// (the global size may be rounded up). NCHW float32 throughout.

// y = x * scale[c] + shift[c]: Normalize, and batch norm that could not be folded into a conv.
__kernel void channel_affine(__global const float* x, __global float* y, __global const float* scale,
                             __global const float* shift, int channels, int plane, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const int c = (i / plane) % channels;
  y[i] = x[i] * scale[c] + shift[c];
}

// y[n, c, ...] += bias[c]: conv bias (plane = H*W) and linear bias (plane = 1).
__kernel void add_channel_bias(__global float* y, __global const float* bias, int channels, int plane, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  y[i] += bias[(i / plane) % channels];
}

// op: 0 relu, 1 clip to [a, b], 2 sigmoid, 3 hard sigmoid clamp(a*x + b, 0, 1), 4 hardswish, 5 silu.
__kernel void unary(__global const float* x, __global float* y, int op, float a, float b, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const float v = x[i];
  float r;
  switch (op) {
    case 0: r = fmax(v, 0.0f); break;
    case 1: r = fmin(fmax(v, a), b); break;
    case 2: r = 1.0f / (1.0f + exp(-v)); break;
    case 3: r = fmin(fmax(a * v + b, 0.0f), 1.0f); break;
    case 4: r = v * fmin(fmax(v + 3.0f, 0.0f), 6.0f) / 6.0f; break;
    default: r = v / (1.0f + exp(-v)); break;
  }
  y[i] = r;
}

// y = a (op) b with broadcasting over up to 4 dimensions: `shape` is y's shape (leading 1s
// added), stride_a and stride_b are the operands' element strides with 0 where they broadcast.
// op: 0 add, 1 mul.
__kernel void binary_broadcast(__global const float* a, __global const float* b, __global float* y, int op,
                               int4 shape, int4 stride_a, int4 stride_b, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  int rest = i;
  const int i3 = rest % shape.w; rest /= shape.w;
  const int i2 = rest % shape.z; rest /= shape.z;
  const int i1 = rest % shape.y; rest /= shape.y;
  const int i0 = rest;
  const float va = a[i0 * stride_a.x + i1 * stride_a.y + i2 * stride_a.z + i3 * stride_a.w];
  const float vb = b[i0 * stride_b.x + i1 * stride_b.y + i2 * stride_b.z + i3 * stride_b.w];
  y[i] = op == 0 ? va + vb : va * vb;
}

// Copies x (N, src_channels, plane) into channels [offset, offset + src_channels) of y (N,
// dst_channels, plane): one operand of a channel concat.
__kernel void copy_into_channels(__global const float* x, __global float* y, int src_channels, int dst_channels,
                                 int offset, int plane, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const int p = i % plane, c = (i / plane) % src_channels, n = i / (plane * src_channels);
  y[(n * dst_channels + offset + c) * plane + p] = x[i];
}

// Constant padding of H and W: y (planes, OH, OW) from x (planes, H, W), x placed at (top, left).
__kernel void pad2d(__global const float* x, __global float* y, int H, int W, int OH, int OW, int top, int left,
                    float value, int total) {
  const int i = get_global_id(0);
  if (i >= total) return;
  const int ox = i % OW, oy = (i / OW) % OH, p = i / (OW * OH);
  const int ix = ox - left, iy = oy - top;
  y[i] = (ix >= 0 && ix < W && iy >= 0 && iy < H) ? x[(p * H + iy) * W + ix] : value;
}
