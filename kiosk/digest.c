/*
 * digest: MD5 (RFC 1321), SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4)
 * for ODK's digest() (see digest.h). Straightforward, unoptimised
 * implementations over a whole buffer; a form value is at most 64 KiB.
 * Temporaries are wiped, since the input may be an answer.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "digest.h"
#include "util.h"

static uint32_t
rol32(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static uint32_t
ror32(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint64_t
ror64(uint64_t x, int n)
{
	return (x >> n) | (x << (64 - n));
}

/*
 * Feed the padded message to block() in 64- or 128-byte blocks: the data,
 * 0x80, zeros, and the length in bits (big- or little-endian, in 8 or 16
 * bytes).
 */
static void
pad_blocks(const unsigned char *data, size_t len, size_t bs, int big,
    void (*block)(void *, const unsigned char *), void *ctx)
{
	unsigned char last[256];
	size_t full = len / bs * bs, rest = len - full, i, total, lenbytes;
	uint64_t bits = (uint64_t)len * 8;

	for (i = 0; i < full; i += bs)
		block(ctx, data + i);
	lenbytes = bs == 128 ? 16 : 8;
	total = rest + 1 + lenbytes <= bs ? bs : 2 * bs;
	memset(last, 0, sizeof last);
	memcpy(last, data + full, rest);
	last[rest] = 0x80;
	for (i = 0; i < 8; i++) {
		if (big)
			last[total - 1 - i] = (unsigned char)(bits >> (8 * i));
		else
			last[total - 8 + i] = (unsigned char)(bits >> (8 * i));
	}
	for (i = 0; i < total; i += bs)
		block(ctx, last + i);
	explicit_bzero(last, sizeof last);
}

/* ---- MD5 ---- */

static void
md5_block(void *ctx, const unsigned char *b)
{
	static const uint32_t k[64] = {
	    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf,
	    0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af,
	    0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e,
	    0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	    0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6,
	    0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	    0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
	    0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
	    0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97,
	    0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d,
	    0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	    0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391 };
	static const int r[64] = {
	    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
	    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
	    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
	    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21 };
	uint32_t *h = ctx, w[16], a, bb, c, d, f, t;
	int i, g;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
		    (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
	a = h[0];
	bb = h[1];
	c = h[2];
	d = h[3];
	for (i = 0; i < 64; i++) {
		if (i < 16) {
			f = (bb & c) | (~bb & d);
			g = i;
		} else if (i < 32) {
			f = (d & bb) | (~d & c);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = bb ^ c ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = c ^ (bb | ~d);
			g = (7 * i) % 16;
		}
		t = d;
		d = c;
		c = bb;
		bb = bb + rol32(a + f + k[i] + w[g], r[i]);
		a = t;
	}
	h[0] += a;
	h[1] += bb;
	h[2] += c;
	h[3] += d;
	explicit_bzero(w, sizeof w);
}

/* ---- SHA-1 ---- */

static void
sha1_block(void *ctx, const unsigned char *b)
{
	uint32_t *h = ctx, w[80], a, bb, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		    (uint32_t)b[4 * i + 2] << 8 | (uint32_t)b[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0];
	bb = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (bb & c) | (~bb & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = bb ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (bb & c) | (bb & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = bb ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol32(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol32(bb, 30);
		bb = a;
		a = t;
	}
	h[0] += a;
	h[1] += bb;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	explicit_bzero(w, sizeof w);
}

/* ---- SHA-256 ---- */

static void
sha256_block(void *ctx, const unsigned char *b)
{
	static const uint32_t k[64] = {
	    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	    0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	    0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	    0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	    0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };
	uint32_t *h = ctx, w[64], v[8], t1, t2, s0, s1;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		    (uint32_t)b[4 * i + 2] << 8 | (uint32_t)b[4 * i + 3];
	for (; i < 64; i++) {
		s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
		    (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, h, sizeof v);
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ror32(v[4], 6) ^ ror32(v[4], 11) ^
		    ror32(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) +
		    k[i] + w[i];
		t2 = (ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof *v);
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
	explicit_bzero(w, sizeof w);
	explicit_bzero(v, sizeof v);
}

/*
 * ---- SHA-512 and SHA-384 ----
 *
 * The block function has the shape of SHA-256's with 64-bit words, 80
 * rounds and its own rotations (FIPS 180-4, 6.2.2 and 6.4.2). The two are
 * kept apart on purpose, each as the standard writes it: one function for
 * both would need a macro or a word-size parameter in the inner loop.
 */

static void
sha512_block(void *ctx, const unsigned char *b)
{
	static const uint64_t k[80] = {
	    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL,
	    0xe9b5dba58189dbbcULL, 0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
	    0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL, 0xd807aa98a3030242ULL,
	    0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	    0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL,
	    0xc19bf174cf692694ULL, 0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
	    0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL, 0x2de92c6f592b0275ULL,
	    0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	    0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL,
	    0xbf597fc7beef0ee4ULL, 0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
	    0x06ca6351e003826fULL, 0x142929670a0e6e70ULL, 0x27b70a8546d22ffcULL,
	    0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	    0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL,
	    0x92722c851482353bULL, 0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
	    0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL, 0xd192e819d6ef5218ULL,
	    0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	    0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL,
	    0x34b0bcb5e19b48a8ULL, 0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
	    0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL, 0x748f82ee5defb2fcULL,
	    0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL,
	    0xc67178f2e372532bULL, 0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
	    0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL, 0x06f067aa72176fbaULL,
	    0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	    0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL,
	    0x431d67c49c100d4cULL, 0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
	    0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL };
	uint64_t *h = ctx, w[80], v[8], t1, t2, s0, s1;
	int i, j;

	for (i = 0; i < 16; i++) {
		w[i] = 0;
		for (j = 0; j < 8; j++)
			w[i] = w[i] << 8 | b[8 * i + j];
	}
	for (; i < 80; i++) {
		s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^
		    (w[i - 15] >> 7);
		s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^
		    (w[i - 2] >> 6);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, h, sizeof v);
	for (i = 0; i < 80; i++) {
		t1 = v[7] + (ror64(v[4], 14) ^ ror64(v[4], 18) ^
		    ror64(v[4], 41)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) +
		    k[i] + w[i];
		t2 = (ror64(v[0], 28) ^ ror64(v[0], 34) ^ ror64(v[0], 39)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof *v);
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
	explicit_bzero(w, sizeof w);
	explicit_bzero(v, sizeof v);
}

/* The algorithms: their initial state, block function and output. */
static const uint32_t md5_iv[4] = { 0x67452301, 0xefcdab89, 0x98badcfe,
    0x10325476 };
static const uint32_t sha1_iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe,
    0x10325476, 0xc3d2e1f0 };
static const uint32_t sha256_iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
static const uint64_t sha384_iv[8] = {
    0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL, 0x9159015a3070dd17ULL,
    0x152fecd8f70e5939ULL, 0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL,
    0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL };
static const uint64_t sha512_iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
    0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
    0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL };

static const struct digest_alg {
	const char	*name;
	const void	*iv;
	size_t		 ivlen;		/* bytes */
	size_t		 block;		/* bytes */
	int		 big;		/* big-endian length and output */
	void		(*fn)(void *, const unsigned char *);
	size_t		 n;		/* digest bytes */
} digest_algs[] = {
	{ "MD5", md5_iv, sizeof md5_iv, 64, 0, md5_block, 16 },
	{ "SHA-1", sha1_iv, sizeof sha1_iv, 64, 1, sha1_block, 20 },
	{ "SHA-256", sha256_iv, sizeof sha256_iv, 64, 1, sha256_block, 32 },
	{ "SHA-384", sha384_iv, sizeof sha384_iv, 128, 1, sha512_block, 48 },
	{ "SHA-512", sha512_iv, sizeof sha512_iv, 128, 1, sha512_block, 64 },
};

size_t
digest(const char *alg, const void *data, size_t len,
    unsigned char out[DIGEST_MAX])
{
	const struct digest_alg *d;
	uint32_t h32[8];
	uint64_t h64[8];
	size_t i;

	for (d = digest_algs; d < digest_algs + nitems(digest_algs); d++) {
		if (strcasecmp(alg, d->name) == 0)
			break;
	}
	if (d == digest_algs + nitems(digest_algs))
		return 0;
	if (d->block == 128) {
		/* SHA-384 and SHA-512: 64-bit words, big-endian. */
		memcpy(h64, d->iv, d->ivlen);
		pad_blocks(data, len, d->block, 1, d->fn, h64);
		for (i = 0; i < d->n; i++)
			out[i] = (unsigned char)(h64[i / 8] >> (56 - 8 *
			    (i % 8)));
	} else {
		memcpy(h32, d->iv, d->ivlen);
		pad_blocks(data, len, d->block, d->big, d->fn, h32);
		for (i = 0; i < d->n; i++)
			out[i] = (unsigned char)(h32[i / 4] >> (d->big ?
			    24 - 8 * (i % 4) : 8 * (i % 4)));
	}
	explicit_bzero(h32, sizeof h32);
	explicit_bzero(h64, sizeof h64);
	return d->n;
}
