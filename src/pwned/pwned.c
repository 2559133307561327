/*
 * pwned.c — the breached-password index: the file format, the streaming
 * builder, opening by mmap, lookups, ranges, the HIBP range text, and
 * verification (see pwned.h for the layout and the contract).
 *
 * Searching a block: the hashes are uniformly distributed, so the position
 * of a hash in its block is predicted from its next bits (interpolation),
 * then bracketed by galloping away from the guess and finished by binary
 * search.  A guess is typically within a few records of the answer, so a
 * lookup touches the prefix table and one or two cache lines of data.
 *
 * Checksums are XXH3 (libxxhash): fast enough to checksum a 40 GB index at
 * memory speed; they detect truncation and corruption, not tampering (the
 * index is public data; who may replace the file is a file-permission
 * matter).
 *
 * The builder writes the data with O_DIRECT where the file system allows it
 * (in whole 8 MiB chunks from aligned buffers): building a 40 GB index then
 * neither evicts the index a server is answering from out of the page cache
 * nor pays for filling the cache with pages nobody reads; the check after
 * writing re-reads the data the same way.  A writer thread writes one
 * buffer while the caller fills the other, so parsing and the disk overlap.
 */
#include "pwned/pwned.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <unistr.h>
#include <xxhash.h>

#define MAGIC "UNGCPWND"
#define FORMAT_VERSION 1u
#define HEADER_SIZE 4096u      /* the tables and the data start page-aligned */
#define HEADER_SUMMED 120u     /* bytes covered by the header checksum */
#define TABLE_ENTRIES (PWNED_PREFIXES + 1u)
#define TABLE_BYTES ((uint64_t)TABLE_ENTRIES * 8u)
#define OVERFLOW_SIZE 8u       /* u32 rank, u32 count */
#define CODE_MAX 15u           /* counts 1..15 live in the record itself */
#define WBUF_SIZE (8u << 20)
#define VERIFY_CHUNK (64u << 20)

struct header {
	uint32_t version;
	uint8_t kind, density, fp_bits, rec_size;
	uint64_t hashes, records, overflow, build_time, file_size;
	uint64_t table_off, table_size, data_off, data_size;
	unsigned char table_sum[16], data_sum[16];
};

struct pwned {
	atomic_ulong refs;
	unsigned char *map;
	size_t map_size;
	struct header h;
	const unsigned char *rec_tab; /* TABLE_ENTRIES u64 LE */
	const unsigned char *ov_tab;  /* full only */
	const unsigned char *data;
	size_t hash_size, rec_size;
	char version[PWNED_VERSION_SIZE];
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

static inline uint64_t get_le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static inline uint32_t get_le32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static inline void put_le64(unsigned char *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static inline void put_le32(unsigned char *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static inline uint64_t get_be64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static inline uint64_t get_be(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* memcmp() for 16- or 20-byte hashes, without the call (hot in the builder). */
static inline int hash_cmp(const unsigned char *a, const unsigned char *b, size_t len)
{
	uint64_t x = get_be64(a), y = get_be64(b);

	if (x == y) {
		x = get_be64(a + 8), y = get_be64(b + 8);
		if (x == y && len > 16)
			x = get_be(a + 16, 4), y = get_be(b + 16, 4);
	}
	return x == y ? 0 : x < y ? -1 : 1;
}

static inline uint32_t hash_prefix(const unsigned char *h)
{
	return (uint32_t)h[0] << 12 | (uint32_t)h[1] << 4 | h[2] >> 4;
}

/* The compact fingerprint: the fp_bits bits after the 20-bit prefix. */
static inline uint64_t hash_fp(const unsigned char *h, unsigned fp_bits)
{
	return (get_be64(h + 2) << 4) >> (64 - fp_bits);
}

size_t pwned_hash_size(enum pwned_kind kind)
{
	return kind == PWNED_SHA1 ? PWNED_SHA1_SIZE : kind == PWNED_NTLM ? PWNED_NTLM_SIZE : 0;
}

const char *pwned_kind_name(enum pwned_kind kind)
{
	return kind == PWNED_SHA1 ? "sha1" : kind == PWNED_NTLM ? "ntlm" : "unknown";
}

const char *pwned_density_name(enum pwned_density density)
{
	return density == PWNED_FULL ? "full" : density == PWNED_COMPACT ? "compact" : "unknown";
}

const char *pwned_strerror(int rc)
{
	switch (rc) {
	case -EMEDIUMTYPE: return "not a breached-password index";
	case -EPROTONOSUPPORT: return "unsupported index format version";
	case -ENODATA: return "the index is truncated";
	case -EBADMSG: return "the index is corrupt (checksum mismatch)";
	case -EUCLEAN: return "the index is inconsistent (corrupt)";
	case -EDOM: return "hashes are not in strictly increasing order";
	case -EOPNOTSUPP: return "not supported by this index";
	default: return strerror(-rc);
	}
}

static void encode_header(const struct header *h, unsigned char *b)
{
	memset(b, 0, HEADER_SIZE);
	memcpy(b, MAGIC, 8);
	put_le32(b + 8, h->version);
	b[12] = h->kind;
	b[13] = h->density;
	b[14] = h->fp_bits;
	b[15] = h->rec_size;
	put_le64(b + 16, h->hashes);
	put_le64(b + 24, h->records);
	put_le64(b + 32, h->overflow);
	put_le64(b + 40, h->build_time);
	put_le64(b + 48, h->file_size);
	put_le64(b + 56, h->table_off);
	put_le64(b + 64, h->table_size);
	put_le64(b + 72, h->data_off);
	put_le64(b + 80, h->data_size);
	memcpy(b + 88, h->table_sum, 16);
	memcpy(b + 104, h->data_sum, 16);
	put_le64(b + HEADER_SUMMED, XXH3_64bits(b, HEADER_SUMMED));
}

static int decode_header(const unsigned char *b, struct header *h)
{
	if (memcmp(b, MAGIC, 8) != 0)
		return -EMEDIUMTYPE;
	if (get_le64(b + HEADER_SUMMED) != XXH3_64bits(b, HEADER_SUMMED))
		return -EBADMSG;
	h->version = get_le32(b + 8);
	if (h->version != FORMAT_VERSION)
		return -EPROTONOSUPPORT;
	h->kind = b[12];
	h->density = b[13];
	h->fp_bits = b[14];
	h->rec_size = b[15];
	h->hashes = get_le64(b + 16);
	h->records = get_le64(b + 24);
	h->overflow = get_le64(b + 32);
	h->build_time = get_le64(b + 40);
	h->file_size = get_le64(b + 48);
	h->table_off = get_le64(b + 56);
	h->table_size = get_le64(b + 64);
	h->data_off = get_le64(b + 72);
	h->data_size = get_le64(b + 80);
	memcpy(h->table_sum, b + 88, 16);
	memcpy(h->data_sum, b + 104, 16);
	return 0;
}

static void sum128(const XXH128_hash_t *x, unsigned char out[16])
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, *x);
	memcpy(out, c.digest, 16);
}

/* Record size and table count for a kind and density; 0 when invalid. */
static size_t record_size(unsigned kind, unsigned density, unsigned fp_bits)
{
	size_t hs = pwned_hash_size((enum pwned_kind)kind);

	if (!hs)
		return 0;
	if (density == PWNED_FULL)
		return hs - 2;
	if (density == PWNED_COMPACT && fp_bits >= 8 && fp_bits <= 56 && fp_bits % 8 == 0)
		return fp_bits / 8;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Hashing passwords                                                        */
/* ------------------------------------------------------------------------ */

/*
 * MD4 for NTLM.  OpenSSL 3 keeps MD4 in its "legacy" provider, not loaded by
 * default; loading it into the default library context would change what
 * every other OpenSSL user in the process can fetch, so it goes into a
 * private context, fetched once and kept for the life of the process (the
 * only global of this module, written once under pthread_once).
 */
static struct {
	pthread_once_t once;
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *legacy;
	EVP_MD *md4;
} ntlm_md = { PTHREAD_ONCE_INIT, NULL, NULL, NULL };

static void ntlm_md_init(void)
{
	if (!(ntlm_md.libctx = OSSL_LIB_CTX_new()))
		return;
	if (!(ntlm_md.legacy = OSSL_PROVIDER_load(ntlm_md.libctx, "legacy")))
		return;
	ntlm_md.md4 = EVP_MD_fetch(ntlm_md.libctx, "MD4", NULL);
}

static int ntlm_hash(const char *pw, size_t len, unsigned char *ret_hash)
{
	uint16_t stackbuf[128], *u16;
	unsigned char le[256], *bytes = le;
	size_t n = sizeof(stackbuf) / sizeof(stackbuf[0]);
	unsigned int outlen = 0;
	int rc = 0;

	pthread_once(&ntlm_md.once, ntlm_md_init);
	if (!ntlm_md.md4)
		return -EOPNOTSUPP;
	if (!(u16 = u8_to_u16((const uint8_t *)pw, len, stackbuf, &n)))
		return errno == EILSEQ ? -EILSEQ : -ENOMEM;
	if (n * 2 > sizeof(le) && !(bytes = malloc(n * 2))) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		bytes[2 * i] = (unsigned char)(u16[i] & 0xff);
		bytes[2 * i + 1] = (unsigned char)(u16[i] >> 8);
	}
	if (!EVP_Digest(bytes, n * 2, ret_hash, &outlen, ntlm_md.md4, NULL) ||
	    outlen != PWNED_NTLM_SIZE)
		rc = -EIO;
	sodium_memzero(bytes, n * 2);
	if (bytes != le)
		free(bytes);
out:
	sodium_memzero(u16, n * sizeof(*u16));
	if (u16 != stackbuf)
		free(u16);
	return rc;
}

int pwned_hash_password(enum pwned_kind kind, const char *pw, size_t len,
			unsigned char *ret_hash)
{
	unsigned int outlen = 0;

	if (kind == PWNED_NTLM)
		return ntlm_hash(pw, len, ret_hash);
	if (kind != PWNED_SHA1)
		return -EINVAL;
	if (!EVP_Digest(pw, len, ret_hash, &outlen, EVP_sha1(), NULL) ||
	    outlen != PWNED_SHA1_SIZE)
		return -EIO;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                  */
/* ------------------------------------------------------------------------ */

static inline uint64_t tab(const unsigned char *t, uint32_t i)
{
	return get_le64(t + (size_t)i * 8);
}

/* A table must start at 0, never decrease, and end at `total`. */
static int check_table(const unsigned char *t, uint64_t total)
{
	uint64_t prev = 0;

	if (tab(t, 0) != 0)
		return -EUCLEAN;
	for (uint32_t i = 1; i < TABLE_ENTRIES; i++) {
		uint64_t v = tab(t, i);
		if (v < prev)
			return -EUCLEAN;
		prev = v;
	}
	return prev == total ? 0 : -EUCLEAN;
}

static int check_layout(const struct header *h, uint64_t size)
{
	size_t rs = record_size(h->kind, h->density, h->fp_bits);
	uint64_t tables = h->density == PWNED_FULL ? 2 : 1;

	if (!rs || rs != h->rec_size)
		return -EUCLEAN;
	if (size < h->file_size)
		return -ENODATA;
	if (size != h->file_size)
		return -EUCLEAN;
	if (h->table_off != HEADER_SIZE || h->table_size != tables * TABLE_BYTES ||
	    h->data_off < h->table_off + h->table_size || h->data_off > size ||
	    h->data_size != size - h->data_off)
		return -EUCLEAN;
	if (h->records > h->hashes || h->records > h->data_size / rs)
		return -EUCLEAN;
	if (h->density == PWNED_FULL) {
		if (h->overflow > h->records ||
		    h->data_size != h->records * rs + h->overflow * OVERFLOW_SIZE)
			return -EUCLEAN;
	} else if (h->overflow != 0 || h->data_size != h->records * rs) {
		return -EUCLEAN;
	}
	return 0;
}

int pwned_open(const char *path, struct pwned **ret)
{
	struct pwned *p;
	struct stat st;
	unsigned char sum[16];
	XXH128_hash_t x;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EMEDIUMTYPE;
	}
	if ((uint64_t)st.st_size < HEADER_SIZE) {
		unsigned char magic[8];
		ssize_t n = pread(fd, magic, sizeof(magic), 0);
		close(fd);
		return n == (ssize_t)sizeof(magic) && !memcmp(magic, MAGIC, 8) ? -ENODATA
									      : -EMEDIUMTYPE;
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		close(fd);
		return -ENOMEM;
	}
	p->map_size = (size_t)st.st_size;
	p->map = mmap(NULL, p->map_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p->map == MAP_FAILED) {
		rc = -errno;
		free(p);
		return rc;
	}
	if ((rc = decode_header(p->map, &p->h)) < 0 ||
	    (rc = check_layout(&p->h, (uint64_t)st.st_size)) < 0)
		goto fail;
	p->rec_tab = p->map + p->h.table_off;
	p->ov_tab = p->h.density == PWNED_FULL ? p->rec_tab + TABLE_BYTES : NULL;
	p->data = p->map + p->h.data_off;
	p->hash_size = pwned_hash_size(p->h.kind);
	p->rec_size = p->h.rec_size;
	x = XXH3_128bits(p->rec_tab, p->h.table_size);
	sum128(&x, sum);
	if (memcmp(sum, p->h.table_sum, 16) != 0) {
		rc = -EBADMSG;
		goto fail;
	}
	if ((rc = check_table(p->rec_tab, p->h.records)) < 0 ||
	    (p->ov_tab && (rc = check_table(p->ov_tab, p->h.overflow)) < 0))
		goto fail;
	/* Lookups jump around: do not read ahead around each one. */
	madvise(p->map + p->h.data_off, p->h.data_size, MADV_RANDOM);
	for (int i = 0; i < 8; i++)
		snprintf(p->version + 2 * i, 3, "%02x", p->h.data_sum[i]);
	atomic_init(&p->refs, 1);
	*ret = p;
	return 0;
fail:
	munmap(p->map, p->map_size);
	free(p);
	return rc;
}

struct pwned *pwned_ref(struct pwned *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	return p;
}

void pwned_close(struct pwned *p)
{
	if (!p)
		return;
	if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	munmap(p->map, p->map_size);
	free(p);
}

void pwned_get_info(const struct pwned *p, struct pwned_info *ret)
{
	struct pwned_info i = {
		.kind = (enum pwned_kind)p->h.kind,
		.density = (enum pwned_density)p->h.density,
		.fp_bits = p->h.density == PWNED_COMPACT ? p->h.fp_bits : 0,
		.hashes = p->h.hashes,
		.records = p->h.records,
		.overflow = p->h.overflow,
		.build_time = p->h.build_time,
		.file_size = p->h.file_size,
	};

	memcpy(i.version, p->version, sizeof(i.version));
	*ret = i;
}

int pwned_populate(const struct pwned *p)
{
	volatile unsigned char sink = 0;
	long page = sysconf(_SC_PAGESIZE);

	if (madvise(p->map, p->map_size, MADV_POPULATE_READ) == 0)
		return 0;
	/* before Linux 5.14: touch a byte of every page */
	for (size_t off = 0; off < p->map_size; off += (size_t)(page > 0 ? page : 4096))
		sink ^= p->map[off];
	(void)sink;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Blocks and search                                                        */
/* ------------------------------------------------------------------------ */

struct block {
	const unsigned char *rec; /* n records */
	uint64_t n;
	const unsigned char *ov;  /* m overflow entries (full) */
	uint64_t m;
};

static void get_block(const struct pwned *p, uint32_t prefix, struct block *b)
{
	uint64_t r0 = tab(p->rec_tab, prefix), r1 = tab(p->rec_tab, prefix + 1);
	uint64_t o0 = 0, o1 = 0;

	if (p->ov_tab) {
		o0 = tab(p->ov_tab, prefix);
		o1 = tab(p->ov_tab, prefix + 1);
	}
	b->rec = p->data + r0 * p->rec_size + o0 * OVERFLOW_SIZE;
	b->n = r1 - r0;
	b->ov = b->rec + b->n * p->rec_size;
	b->m = o1 - o0;
}

/* The full-density key of a hash: its record with a zero count nibble. */
static void full_key(const unsigned char *h, size_t rs, unsigned char *key)
{
	key[0] = h[2] & 0x0f;
	memcpy(key + 1, h + 3, rs - 1);
}

/* Compare a full record (count nibble ignored) with a key. */
static inline int cmp_full(const unsigned char *r, const unsigned char *k, size_t rs)
{
	uint64_t a = get_be64(r) & 0x0fffffffffffffffull, b = get_be64(k) & 0x0fffffffffffffffull;

	if (a != b)
		return a < b ? -1 : 1;
	return memcmp(r + 8, k + 8, rs - 8);
}

/*
 * Lower bound of key among n full records: interpolate from the key's next
 * 28 bits, gallop to bracket, then bisect.
 */
static uint64_t search_full(const unsigned char *rec, uint64_t n, size_t rs,
			    const unsigned char *key)
{
	uint64_t lo, hi, g, step;

	if (n == 0)
		return 0;
	g = (uint64_t)(((unsigned __int128)((get_be64(key) >> 32) & 0x0fffffff) * n) >> 28);
	if (g >= n)
		g = n - 1;
	if (cmp_full(rec + g * rs, key, rs) < 0) {
		lo = g + 1;
		hi = n;
		for (step = 1;; step <<= 1) {
			uint64_t probe = lo + step - 1;
			if (probe >= n)
				break;
			if (cmp_full(rec + probe * rs, key, rs) >= 0) {
				hi = probe;
				break;
			}
			lo = probe + 1;
		}
	} else {
		lo = 0;
		hi = g;
		for (step = 1; step <= hi; step <<= 1) {
			uint64_t probe = hi - step;
			if (cmp_full(rec + probe * rs, key, rs) < 0) {
				lo = probe + 1;
				break;
			}
			hi = probe;
		}
	}
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (cmp_full(rec + mid * rs, key, rs) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The same over compact fingerprints of rs bytes and fp_bits bits. */
static uint64_t search_compact(const unsigned char *rec, uint64_t n, unsigned rs,
			       unsigned fp_bits, uint64_t fp)
{
	uint64_t lo, hi, g, step;

	if (n == 0)
		return 0;
	g = (uint64_t)(((unsigned __int128)fp * n) >> fp_bits);
	if (g >= n)
		g = n - 1;
	if (get_be(rec + g * rs, rs) < fp) {
		lo = g + 1;
		hi = n;
		for (step = 1;; step <<= 1) {
			uint64_t probe = lo + step - 1;
			if (probe >= n)
				break;
			if (get_be(rec + probe * rs, rs) >= fp) {
				hi = probe;
				break;
			}
			lo = probe + 1;
		}
	} else {
		lo = 0;
		hi = g;
		for (step = 1; step <= hi; step <<= 1) {
			uint64_t probe = hi - step;
			if (get_be(rec + probe * rs, rs) < fp) {
				lo = probe + 1;
				break;
			}
			hi = probe;
		}
	}
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (get_be(rec + mid * rs, rs) < fp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The count of record i of a full block, from its nibble or its overflow entry. */
static int block_count(const struct block *b, size_t rs, uint64_t i, uint32_t *ret)
{
	unsigned code = b->rec[i * rs] >> 4;
	uint64_t lo = 0, hi = b->m;

	if (code) {
		*ret = code;
		return 0;
	}
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		uint32_t rank = get_le32(b->ov + mid * OVERFLOW_SIZE);
		if (rank == i) {
			*ret = get_le32(b->ov + mid * OVERFLOW_SIZE + 4);
			return 0;
		}
		if (rank < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -EBADMSG;
}

int pwned_lookup(const struct pwned *p, const unsigned char *hash, size_t len,
		 uint32_t *ret_count)
{
	struct block b;
	uint64_t i;
	uint32_t count = 0;
	int rc;

	if (len != p->hash_size)
		return -EINVAL;
	get_block(p, hash_prefix(hash), &b);
	if (p->h.density == PWNED_COMPACT) {
		uint64_t fp = hash_fp(hash, p->h.fp_bits);
		i = search_compact(b.rec, b.n, (unsigned)p->rec_size, p->h.fp_bits, fp);
		if (i == b.n || get_be(b.rec + i * p->rec_size, (unsigned)p->rec_size) != fp)
			return -ENOENT;
	} else {
		unsigned char key[PWNED_HASH_MAX];
		full_key(hash, p->rec_size, key);
		i = search_full(b.rec, b.n, p->rec_size, key);
		if (i == b.n || cmp_full(b.rec + i * p->rec_size, key, p->rec_size) != 0)
			return -ENOENT;
		if ((rc = block_count(&b, p->rec_size, i, &count)) < 0)
			return rc;
	}
	if (ret_count)
		*ret_count = count;
	return 0;
}

int pwned_lookup_sha1(const struct pwned *p, const unsigned char sha1[PWNED_SHA1_SIZE],
		      uint32_t *ret_count)
{
	if (p->h.kind != PWNED_SHA1)
		return -EINVAL;
	return pwned_lookup(p, sha1, PWNED_SHA1_SIZE, ret_count);
}

int pwned_check_password(const struct pwned *p, const char *pw, size_t len,
			 uint32_t *ret_count)
{
	unsigned char h[PWNED_HASH_MAX];
	int rc;

	if ((rc = pwned_hash_password((enum pwned_kind)p->h.kind, pw, len, h)) == 0)
		rc = pwned_lookup(p, h, p->hash_size, ret_count);
	sodium_memzero(h, sizeof(h));
	return rc;
}

uint64_t pwned_range_size(const struct pwned *p, uint32_t prefix)
{
	if (prefix >= PWNED_PREFIXES)
		return 0;
	return tab(p->rec_tab, prefix + 1) - tab(p->rec_tab, prefix);
}

int pwned_range(const struct pwned *p, uint32_t prefix, pwned_range_fn fn, void *ctx)
{
	unsigned char h[PWNED_HASH_MAX];
	struct block b;
	uint64_t j = 0;
	size_t rs = p->rec_size;
	int rc;

	if (prefix >= PWNED_PREFIXES)
		return -EINVAL;
	if (p->h.density != PWNED_FULL)
		return -EOPNOTSUPP;
	get_block(p, prefix, &b);
	h[0] = (unsigned char)(prefix >> 12);
	h[1] = (unsigned char)(prefix >> 4);
	for (uint64_t i = 0; i < b.n; i++) {
		const unsigned char *r = b.rec + i * rs;
		uint32_t count = r[0] >> 4;

		if (!count) {
			/* overflow entries come in rank order: walk them along */
			if (j >= b.m || get_le32(b.ov + j * OVERFLOW_SIZE) != i)
				return -EBADMSG;
			count = get_le32(b.ov + j * OVERFLOW_SIZE + 4);
			j++;
		}
		h[2] = (unsigned char)((prefix & 0x0f) << 4 | (r[0] & 0x0f));
		memcpy(h + 3, r + 1, rs - 1);
		if ((rc = fn(h, count, ctx)) != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The HIBP range text                                                      */
/* ------------------------------------------------------------------------ */

static const char HEX[] = "0123456789ABCDEF";

/* Write one line "SUFFIX:COUNT" for a full key or record; returns its end. */
static char *put_line(char *o, const unsigned char *r, size_t rs, uint32_t count)
{
	char digits[10];
	int nd = 0;

	*o++ = HEX[r[0] & 0x0f];
	for (size_t i = 1; i < rs; i++) {
		*o++ = HEX[r[i] >> 4];
		*o++ = HEX[r[i] & 0x0f];
	}
	*o++ = ':';
	do {
		digits[nd++] = (char)('0' + count % 10);
		count /= 10;
	} while (count);
	while (nd)
		*o++ = digits[--nd];
	return o;
}

/*
 * npad random keys in increasing order, without sorting: key k takes its
 * first 28 bits at random within the k-th of npad equal slices of the
 * suffix space, the rest at random.  Distinct slices make them distinct and
 * ordered; a clash with a real suffix (2^-112 odds per pair) is resolved
 * while merging (see pwned_range_text).  The bytes come from ChaCha20
 * seeded by the system's generator: one syscall per response.
 */
static void make_padding(size_t rs, unsigned char *pad, size_t npad)
{
	unsigned char seed[randombytes_SEEDBYTES];

	randombytes_buf(seed, sizeof(seed));
	randombytes_buf_deterministic(pad, npad * rs, seed);
	for (size_t k = 0; k < npad; k++) {
		unsigned char *key = pad + k * rs;
		uint64_t lo = ((uint64_t)k << 28) / npad, hi = ((uint64_t)(k + 1) << 28) / npad;
		uint64_t top = lo + (get_be(key, 4) & 0x0fffffff) % (hi - lo);
		key[0] = (unsigned char)(top >> 24);
		key[1] = (unsigned char)(top >> 16);
		key[2] = (unsigned char)(top >> 8);
		key[3] = (unsigned char)top;
	}
}

int pwned_range_text(const struct pwned *p, uint32_t prefix, bool pad, char **ret_text,
		     size_t *ret_len)
{
	size_t rs = p->rec_size, line_max = 2 * rs + 12, npad = 0, k = 0;
	unsigned char *pads = NULL;
	struct block b;
	uint64_t j = 0;
	char *text, *o;

	if (prefix >= PWNED_PREFIXES)
		return -EINVAL;
	if (p->h.density != PWNED_FULL)
		return -EOPNOTSUPP;
	get_block(p, prefix, &b);
	if (pad) {
		uint64_t target = PWNED_PAD_MIN + randombytes_uniform(PWNED_PAD_MAX - PWNED_PAD_MIN + 1);
		npad = target > b.n ? (size_t)(target - b.n) : 10 + randombytes_uniform(191);
		if (!(pads = malloc(npad * rs)))
			return -ENOMEM;
		make_padding(rs, pads, npad);
	}
	if (b.n > (SIZE_MAX / line_max) - npad - 1 || !(text = malloc((b.n + npad) * line_max + 1))) {
		free(pads);
		return -ENOMEM;
	}
	o = text;
	for (uint64_t i = 0; i < b.n || k < npad;) {
		const unsigned char *r = i < b.n ? b.rec + i * rs : NULL;

		if (o != text) {
			*o++ = '\r';
			*o++ = '\n';
		}
		int c = r && k < npad ? cmp_full(r, pads + k * rs, rs) : 0;

		while (r && k < npad && c == 0) {
			/* a padding key equal to a real one: draw its low bits again
			 * (its first 28 bits keep it in order among the others) */
			randombytes_buf(pads + k * rs + 4, rs - 4);
			c = cmp_full(r, pads + k * rs, rs);
		}
		if (r && (k == npad || c < 0)) {
			uint32_t count = r[0] >> 4;
			if (!count) {
				if (j >= b.m || get_le32(b.ov + j * OVERFLOW_SIZE) != i) {
					free(text);
					free(pads);
					return -EBADMSG;
				}
				count = get_le32(b.ov + j * OVERFLOW_SIZE + 4);
				j++;
			}
			o = put_line(o, r, rs, count);
			i++;
		} else {
			o = put_line(o, pads + k * rs, rs, 0);
			k++;
		}
	}
	*o = '\0';
	free(pads);
	*ret_len = (size_t)(o - text);
	*ret_text = text;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Verification                                                             */
/* ------------------------------------------------------------------------ */

static int verify_blocks(const struct pwned *p)
{
	size_t rs = p->rec_size;

	for (uint32_t prefix = 0; prefix < PWNED_PREFIXES; prefix++) {
		struct block b;
		uint64_t j = 0;

		get_block(p, prefix, &b);
		if (p->h.density == PWNED_COMPACT) {
			for (uint64_t i = 1; i < b.n; i++)
				if (get_be(b.rec + (i - 1) * rs, (unsigned)rs) >=
				    get_be(b.rec + i * rs, (unsigned)rs))
					return -EUCLEAN;
			continue;
		}
		for (uint64_t i = 0; i < b.n; i++) {
			const unsigned char *r = b.rec + i * rs;
			if (i > 0 && cmp_full(r - rs, r, rs) >= 0)
				return -EUCLEAN;
			if (r[0] >> 4)
				continue;
			if (j >= b.m || get_le32(b.ov + j * OVERFLOW_SIZE) != i)
				return -EUCLEAN;
			j++;
		}
		if (j != b.m)
			return -EUCLEAN;
	}
	return 0;
}

int pwned_verify(const struct pwned *p, pwned_progress_fn fn, void *ctx)
{
	XXH3_state_t *xs = XXH3_createState();
	unsigned char sum[16];
	XXH128_hash_t x;
	uint64_t done = 0, total = p->h.data_size;

	if (!xs)
		return -ENOMEM;
	madvise((void *)(p->map + p->h.data_off), total, MADV_SEQUENTIAL);
	XXH3_128bits_reset(xs);
	while (done < total) {
		size_t n = total - done > VERIFY_CHUNK ? VERIFY_CHUNK : (size_t)(total - done);
		XXH3_128bits_update(xs, p->data + done, n);
		done += n;
		if (fn)
			fn(done, total, ctx);
	}
	x = XXH3_128bits_digest(xs);
	XXH3_freeState(xs);
	madvise((void *)(p->map + p->h.data_off), total, MADV_RANDOM);
	sum128(&x, sum);
	if (memcmp(sum, p->h.data_sum, 16) != 0)
		return -EBADMSG;
	return verify_blocks(p);
}

/* ------------------------------------------------------------------------ */
/* Building                                                                 */
/* ------------------------------------------------------------------------ */

struct pwned_builder {
	char *path, *tmp;
	int fd;
	struct header h;
	size_t hash_size;
	uint64_t *rec_tab, *ov_tab;    /* host order until written */
	uint32_t next_prefix;          /* first table entry not yet filled */
	uint32_t cur_prefix;
	uint64_t block_n;              /* records in the current block */
	uint64_t last_fp;              /* compact: last fingerprint stored in the block */
	unsigned char last[PWNED_HASH_MAX];
	bool have_last;
	unsigned char *ov;             /* overflow entries of the current block */
	size_t ov_len, ov_cap;
	unsigned char *bufs[2];        /* WBUF_SIZE each, page-aligned for O_DIRECT */
	unsigned char *wbuf;           /* the one being filled */
	size_t wlen;
	uint64_t woff;                 /* where the next data bytes go */
	int dfd;                       /* the data's descriptor: O_DIRECT, or fd */
	XXH3_state_t *xs;
	/* the writer thread: one job at a time, handed over under the lock */
	pthread_t writer;
	bool writer_started, stop, pending;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	const unsigned char *job;
	size_t job_len;
	uint64_t job_off;
	int werr;                      /* the first write error, sticky */
};

static int write_all(int fd, const void *buf, size_t len, uint64_t off);

static void *writer_main(void *arg)
{
	struct pwned_builder *b = arg;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		while (!b->pending && !b->stop)
			pthread_cond_wait(&b->cond, &b->lock);
		if (!b->pending)
			break;
		pthread_mutex_unlock(&b->lock);
		int rc = write_all(b->dfd, b->job, b->job_len, b->job_off);
		pthread_mutex_lock(&b->lock);
		if (rc < 0 && !b->werr)
			b->werr = rc;
		b->pending = false;
		pthread_cond_broadcast(&b->cond);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* Wait until the writer is idle; its first error, or 0. */
static int drain(struct pwned_builder *b)
{
	int rc;

	if (!b->writer_started)
		return 0;
	pthread_mutex_lock(&b->lock);
	while (b->pending)
		pthread_cond_wait(&b->cond, &b->lock);
	rc = b->werr;
	pthread_mutex_unlock(&b->lock);
	return rc;
}

int pwned_builder_new(const char *path, const struct pwned_build_options *o,
		      struct pwned_builder **ret)
{
	struct pwned_builder *b;
	unsigned density = o && o->density ? o->density : PWNED_FULL;
	unsigned fp_bits = o && o->fp_bits ? o->fp_bits : PWNED_FP_BITS_DEFAULT;
	unsigned kind = o ? o->kind : 0;
	size_t plen = strlen(path);
	int rc = -ENOMEM;

	if (density != PWNED_FULL && density != PWNED_COMPACT)
		return -EINVAL;
	if (density == PWNED_FULL)
		fp_bits = 0;
	else if (!record_size(PWNED_SHA1, density, fp_bits))
		return -EINVAL;
	if (kind && !pwned_hash_size((enum pwned_kind)kind))
		return -EINVAL;
	if (!(b = calloc(1, sizeof(*b))))
		return -ENOMEM;
	b->fd = b->dfd = -1;
	b->h.version = FORMAT_VERSION;
	b->h.kind = (uint8_t)kind;
	b->h.density = (uint8_t)density;
	b->h.fp_bits = (uint8_t)fp_bits;
	b->h.build_time = o && o->build_time ? o->build_time : (uint64_t)time(NULL);
	b->h.table_off = HEADER_SIZE;
	b->h.table_size = (density == PWNED_FULL ? 2 : 1) * TABLE_BYTES;
	b->h.data_off = (b->h.table_off + b->h.table_size + 4095) & ~(uint64_t)4095;
	b->woff = b->h.data_off;
	if (!(b->path = strdup(path)) || !(b->tmp = malloc(plen + 16)) ||
	    !(b->rec_tab = calloc(TABLE_ENTRIES, 8)) ||
	    (density == PWNED_FULL && !(b->ov_tab = calloc(TABLE_ENTRIES, 8))) ||
	    posix_memalign((void **)&b->bufs[0], 4096, WBUF_SIZE) != 0 ||
	    posix_memalign((void **)&b->bufs[1], 4096, WBUF_SIZE) != 0 ||
	    !(b->xs = XXH3_createState()))
		goto fail;
	b->wbuf = b->bufs[0];
	XXH3_128bits_reset(b->xs);
	snprintf(b->tmp, plen + 16, "%s.tmp.XXXXXX", path);
	if ((b->fd = mkostemp(b->tmp, O_CLOEXEC)) < 0) {
		rc = -errno;
		b->tmp[0] = '\0';
		goto fail;
	}
	/* The index is public data, read by the server's user. */
	if (fchmod(b->fd, 0644) < 0) {
		rc = -errno;
		goto fail;
	}
	/* tmpfs and a few others refuse O_DIRECT: then the data goes buffered */
	if ((b->dfd = open(b->tmp, O_WRONLY | O_DIRECT | O_CLOEXEC)) < 0)
		b->dfd = b->fd;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	if ((rc = -pthread_create(&b->writer, NULL, writer_main, b)) < 0) {
		pthread_mutex_destroy(&b->lock);
		pthread_cond_destroy(&b->cond);
		goto fail;
	}
	b->writer_started = true;
	if (kind)
		b->hash_size = pwned_hash_size((enum pwned_kind)kind);
	*ret = b;
	return 0;
fail:
	pwned_builder_free(b);
	return rc;
}

static int write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write the buffer out.  Every flush but the last is a whole buffer, so the
 * O_DIRECT offsets and sizes stay page multiples; the last one is padded
 * with zeros to a page, which the final ftruncate() cuts off.
 */
static int flush_wbuf(struct pwned_builder *b)
{
	size_t len = b->wlen, padded = (len + 4095) & ~(size_t)4095;
	int rc;

	if (!len)
		return 0;
	XXH3_128bits_update(b->xs, b->wbuf, len);
	memset(b->wbuf + len, 0, padded - len);
	/* hand this buffer to the writer once it is done with the other */
	if ((rc = drain(b)) < 0)
		return rc;
	pthread_mutex_lock(&b->lock);
	b->job = b->wbuf;
	b->job_len = padded;
	b->job_off = b->woff;
	b->pending = true;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
	b->wbuf = b->wbuf == b->bufs[0] ? b->bufs[1] : b->bufs[0];
	b->woff += len;
	b->h.data_size += len;
	b->wlen = 0;
	return 0;
}

static int put_bytes(struct pwned_builder *b, const void *src, size_t n)
{
	const unsigned char *p = src;
	int rc;

	while (b->wlen + n >= WBUF_SIZE) {
		size_t k = WBUF_SIZE - b->wlen;
		memcpy(b->wbuf + b->wlen, p, k);
		b->wlen = WBUF_SIZE;
		if ((rc = flush_wbuf(b)) < 0)
			return rc;
		p += k;
		n -= k;
	}
	memcpy(b->wbuf + b->wlen, p, n);
	b->wlen += n;
	return 0;
}

/*
 * Read the data back from the disk (O_DIRECT when possible, into the
 * builder's buffer) and compare its checksum with the one computed while
 * writing: what is on disk is what was meant.  The header and the tables
 * are checked by pwned_open().
 */
static int reread_data(struct pwned_builder *b, pwned_progress_fn fn, void *ctx)
{
	int fd = open(b->tmp, O_RDONLY | O_DIRECT | O_CLOEXEC);
	uint64_t off = b->h.data_off, end = b->h.data_off + b->h.data_size;
	unsigned char sum[16];
	XXH128_hash_t x;
	int rc = 0;

	if (fd < 0 && (fd = open(b->tmp, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	XXH3_128bits_reset(b->xs);
	while (off < end) {
		size_t want = end - off > WBUF_SIZE ? WBUF_SIZE : (size_t)(end - off);
		/* O_DIRECT reads whole pages; the last one stops at the file's end */
		ssize_t n = pread(fd, b->bufs[0], (want + 4095) & ~(size_t)4095, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if ((size_t)n < want) {
			rc = -ENODATA;
			break;
		}
		XXH3_128bits_update(b->xs, b->bufs[0], want);
		off += want;
		if (fn)
			fn(off - b->h.data_off, b->h.data_size, ctx);
	}
	close(fd);
	if (rc < 0)
		return rc;
	x = XXH3_128bits_digest(b->xs);
	sum128(&x, sum);
	return memcmp(sum, b->h.data_sum, 16) == 0 ? 0 : -EBADMSG;
}

/* End the current block (its overflow entries follow its records) and fill
 * the table entries up to and including `upto`. */
static int close_block(struct pwned_builder *b, uint32_t upto)
{
	int rc;

	if (b->ov_len && (rc = put_bytes(b, b->ov, b->ov_len)) < 0)
		return rc;
	b->ov_len = 0;
	for (; b->next_prefix <= upto && b->next_prefix < TABLE_ENTRIES; b->next_prefix++) {
		b->rec_tab[b->next_prefix] = b->h.records;
		if (b->ov_tab)
			b->ov_tab[b->next_prefix] = b->h.overflow;
	}
	b->block_n = 0;
	return 0;
}

int pwned_builder_add(struct pwned_builder *b, const unsigned char *hash, size_t len,
		      uint32_t count)
{
	uint32_t prefix = hash_prefix(hash);
	int rc;

	if (!b->hash_size) {
		if (len == PWNED_SHA1_SIZE)
			b->h.kind = PWNED_SHA1;
		else if (len == PWNED_NTLM_SIZE)
			b->h.kind = PWNED_NTLM;
		else
			return -EINVAL;
		b->hash_size = len;
	}
	if (len != b->hash_size)
		return -EINVAL;
	if (b->have_last && hash_cmp(hash, b->last, len) <= 0)
		return -EDOM;
	if (!b->have_last || prefix != b->cur_prefix) {
		if ((rc = close_block(b, prefix)) < 0)
			return rc;
		b->cur_prefix = prefix;
	}
	if (len == PWNED_SHA1_SIZE) /* constant sizes: copied inline */
		memcpy(b->last, hash, PWNED_SHA1_SIZE);
	else
		memcpy(b->last, hash, PWNED_NTLM_SIZE);
	b->have_last = true;
	b->h.hashes++;
	if (b->h.density == PWNED_COMPACT) {
		unsigned char r[8];
		unsigned rs = b->h.fp_bits / 8;
		uint64_t fp = hash_fp(hash, b->h.fp_bits);

		if (b->block_n && fp == b->last_fp)
			return 0; /* same fingerprint: membership says the same */
		for (unsigned i = 0; i < rs; i++)
			r[i] = (unsigned char)(fp >> (8 * (rs - 1 - i)));
		if ((rc = put_bytes(b, r, rs)) < 0)
			return rc;
		b->last_fp = fp;
	} else {
		unsigned char r[PWNED_HASH_MAX];
		size_t rs = len - 2;
		unsigned code = count >= 1 && count <= CODE_MAX ? count : 0;

		if (b->block_n >= UINT32_MAX)
			return -EFBIG; /* ranks are u32: 4 billion hashes under one prefix */
		r[0] = (unsigned char)(code << 4 | (hash[2] & 0x0f));
		memcpy(r + 1, hash + 3, rs - 1);
		if ((rc = put_bytes(b, r, rs)) < 0)
			return rc;
		if (!code) {
			if (b->ov_len + OVERFLOW_SIZE > b->ov_cap) {
				size_t cap = b->ov_cap ? 2 * b->ov_cap : 1024;
				unsigned char *nv = realloc(b->ov, cap);
				if (!nv)
					return -ENOMEM;
				b->ov = nv;
				b->ov_cap = cap;
			}
			put_le32(b->ov + b->ov_len, (uint32_t)b->block_n);
			put_le32(b->ov + b->ov_len + 4, count);
			b->ov_len += OVERFLOW_SIZE;
			b->h.overflow++;
		}
	}
	b->block_n++;
	b->h.records++;
	return 0;
}

uint64_t pwned_builder_count(const struct pwned_builder *b)
{
	return b->h.hashes;
}

static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int write_tables(struct pwned_builder *b)
{
	const uint64_t *tabs[2] = { b->rec_tab, b->ov_tab };
	unsigned ntab = b->ov_tab ? 2 : 1;
	unsigned char *buf = malloc(TABLE_BYTES);
	XXH3_state_t *xs = XXH3_createState();
	XXH128_hash_t x;
	int rc = 0;

	if (!buf || !xs) {
		rc = -ENOMEM;
		goto out;
	}
	XXH3_128bits_reset(xs);
	for (unsigned t = 0; t < ntab && rc == 0; t++) {
		for (uint32_t i = 0; i < TABLE_ENTRIES; i++)
			put_le64(buf + (size_t)i * 8, tabs[t][i]);
		XXH3_128bits_update(xs, buf, TABLE_BYTES);
		rc = write_all(b->fd, buf, TABLE_BYTES, b->h.table_off + t * TABLE_BYTES);
	}
	x = XXH3_128bits_digest(xs);
	sum128(&x, b->h.table_sum);
out:
	free(buf);
	XXH3_freeState(xs);
	return rc;
}

int pwned_builder_commit(struct pwned_builder *b, bool verify, pwned_progress_fn fn, void *ctx)
{
	unsigned char *hdr = NULL;
	XXH128_hash_t x;
	int rc;

	if (!b->hash_size) {
		/* nothing added: an empty index of the requested kind (SHA-1 by default) */
		if (!b->h.kind)
			b->h.kind = PWNED_SHA1;
		b->hash_size = pwned_hash_size((enum pwned_kind)b->h.kind);
	}
	b->h.rec_size = (uint8_t)record_size(b->h.kind, b->h.density, b->h.fp_bits);
	if ((rc = close_block(b, PWNED_PREFIXES)) < 0 || (rc = flush_wbuf(b)) < 0 ||
	    (rc = drain(b)) < 0 || (rc = write_tables(b)) < 0)
		goto out;
	x = XXH3_128bits_digest(b->xs);
	sum128(&x, b->h.data_sum);
	b->h.file_size = b->h.data_off + b->h.data_size;
	if (!(hdr = malloc(HEADER_SIZE))) {
		rc = -ENOMEM;
		goto out;
	}
	encode_header(&b->h, hdr);
	/* the file is exactly file_size long even when the data is empty */
	if ((rc = write_all(b->fd, hdr, HEADER_SIZE, 0)) < 0 ||
	    (ftruncate(b->fd, (off_t)b->h.file_size) < 0 && (rc = -errno)) ||
	    (fsync(b->fd) < 0 && (rc = -errno)))
		goto out;
	if (verify) {
		struct pwned *p;
		if ((rc = pwned_open(b->tmp, &p)) < 0)
			goto out;
		pwned_close(p);
		if ((rc = reread_data(b, fn, ctx)) < 0)
			goto out;
	}
	if (rename(b->tmp, b->path) < 0) {
		rc = -errno;
		goto out;
	}
	b->tmp[0] = '\0'; /* nothing to remove any more */
	rc = sync_dir(b->path);
out:
	free(hdr);
	pwned_builder_free(b);
	return rc;
}

void pwned_builder_free(struct pwned_builder *b)
{
	if (!b)
		return;
	if (b->writer_started) {
		pthread_mutex_lock(&b->lock);
		b->stop = true;
		pthread_cond_broadcast(&b->cond);
		pthread_mutex_unlock(&b->lock);
		pthread_join(b->writer, NULL);
		pthread_mutex_destroy(&b->lock);
		pthread_cond_destroy(&b->cond);
	}
	if (b->dfd >= 0 && b->dfd != b->fd)
		close(b->dfd);
	if (b->fd >= 0)
		close(b->fd);
	if (b->tmp && b->tmp[0])
		unlink(b->tmp);
	free(b->path);
	free(b->tmp);
	free(b->rec_tab);
	free(b->ov_tab);
	free(b->ov);
	free(b->bufs[0]);
	free(b->bufs[1]);
	XXH3_freeState(b->xs);
	free(b);
}
