// Prototypes of the reference LAPACK/BLAS Fortran symbols MILPCoreShape calls
// (Debian liblapack-dev / libblas-dev ship the libraries, no C header for these symbols).
// Every argument is passed by reference (Fortran); the trailing size_t arguments are the hidden
// lengths of the CHARACTER arguments, as gfortran expects them.
#ifndef CLAPACK_SHIM_H
#define CLAPACK_SHIM_H
#include <stddef.h>

/// Eigenvalues (ascending) and optionally eigenvectors of a symmetric matrix, divide and conquer.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t uplo_len);

/// C := alpha * op(A) * op(A)^T + beta * C on one triangle of C.
void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
            const double *a, const int *lda, const double *beta, double *c, const int *ldc,
            size_t uplo_len, size_t trans_len);

/// C := alpha * op(A) * op(B) + beta * C.
void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc, size_t transa_len, size_t transb_len);

#endif
