#pragma once
// Eigen's dense core, for the few engine files that use it (the GEMM, vectorised activations).
//
// GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsics (_mm512_undefined_ps in
// avx512fintrin.h; -Wuninitialized in sanitizer builds) wherever Eigen's GEMM packing is inlined on an AVX-512 build: a false alarm
// in the compiler's header, not in our code (GCC bug 105593). It is silenced for the rest of each
// file that includes this header, so a first build on such a machine prints no warning of theirs.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <Eigen/Core>
