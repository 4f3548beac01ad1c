/*
 * This machine's measured fp32 FMA peak, the denominator of "full width at or above 85% of the FMA
 * peak" (issue 12): every thread runs independent chains of fused multiply-adds on the widest
 * vectors the compiler targets (-march=native: AVX-512 or AVX2), enough chains to hide the FMA
 * latency, for about a second; the peak is the sum over threads of MACs per second. Measured, not
 * computed from a nominal clock: the cores boost above it.
 *   gcc -O2 -march=native -fopenmp bench/dial/fma_peak.c -o fma_peak && OMP_NUM_THREADS=2 ./fma_peak
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define SUM _mm512_reduce_add_ps
#define ISA "avx512"
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
static float SUM(__m256 v) { float f[8]; _mm256_storeu_ps(f, v); return f[0]+f[1]+f[2]+f[3]+f[4]+f[5]+f[6]+f[7]; }
#define ISA "avx2"
#else
#error "needs AVX2 with FMA or AVX-512"
#endif

#define CHAINS 12 /* independent accumulators: more than FMA latency x FMA pipes */
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(void) {
    const long iters = 200000000L / LANES;
    double best = 0;
    float sink = 0;
    for (int rep = 0; rep < 5; rep++) {
        double start = now();
        #pragma omp parallel reduction(+:sink)
        {
            /* twelve named accumulators, so they live in registers at any optimisation level */
            vec a = SET1(0.999999f), b = SET1(1e-7f);
            vec c0 = SET1(0), c1 = SET1(1), c2 = SET1(2), c3 = SET1(3), c4 = SET1(4), c5 = SET1(5);
            vec c6 = SET1(6), c7 = SET1(7), c8 = SET1(8), c9 = SET1(9), c10 = SET1(10), c11 = SET1(11);
            for (long i = 0; i < iters; i++) {
                c0 = FMA(c0, a, b); c1 = FMA(c1, a, b); c2 = FMA(c2, a, b); c3 = FMA(c3, a, b);
                c4 = FMA(c4, a, b); c5 = FMA(c5, a, b); c6 = FMA(c6, a, b); c7 = FMA(c7, a, b);
                c8 = FMA(c8, a, b); c9 = FMA(c9, a, b); c10 = FMA(c10, a, b); c11 = FMA(c11, a, b);
            }
            vec s = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));
            sink += SUM(ADD(s, ADD(ADD(c8, c9), ADD(c10, c11))));
        }
        double seconds = now() - start;
        double macs = (double) iters * CHAINS * LANES * omp_get_max_threads();
        if (macs / seconds > best) best = macs / seconds;
    }
    printf("%s, %d threads, %d fp32 lanes: peak %.1f GMAC/s (best of 5; checksum %.3g)\n",
           ISA, omp_get_max_threads(), LANES, best / 1e9, sink);
    return 0;
}
