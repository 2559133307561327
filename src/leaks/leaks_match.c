/*
 * leaks_match.c — the account-name table and the watch lists (see
 * leaks_match.h).
 */
#include "leaks/leaks_match.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "leaks/leaks_parse.h"

struct entry {
	uint32_t off;     /* of the name in the arena: one length byte, then the bytes */
	uint32_t account;
};

struct host {
	char name[LEAKS_KEY_MAX];
	size_t len;
	char *system;
};

struct leaks_match {
	uint64_t *slots;  /* 0: empty; else tag << 32 | (entry + 1) */
	size_t mask;
	struct entry *entries;
	size_t nentries, entries_cap;
	unsigned char *arena;
	size_t arena_len, arena_cap;
	char (*domains)[LEAKS_KEY_MAX];
	size_t *domain_len;
	size_t ndomains;
	struct host *hosts;
	size_t nhosts;
	bool sealed;      /* slots and filter index every entry */
	struct leaks_filter filter;
	uint64_t *fwords;
};

/*
 * The slot table, zeroed, on 2 MiB boundaries and advised into huge pages:
 * with 4 KiB pages nearly every probe of a 16 MiB table is also a TLB miss
 * (the page walk cost as much as the probe).
 */
static uint64_t *slots_alloc(size_t n)
{
	size_t bytes = n * sizeof(uint64_t);
	void *p;

	if (bytes >= (2u << 20)) {
		if (posix_memalign(&p, 2u << 20, bytes) != 0)
			return NULL;
		madvise(p, bytes, MADV_HUGEPAGE); /* advice: failure only costs speed */
		memset(p, 0, bytes);
		return p;
	}
	return calloc(n, sizeof(uint64_t));
}

static size_t slots_for(size_t n)
{
	size_t s = 1024;

	while (s < 2 * n)
		s <<= 1;
	return s;
}

int leaks_match_new(size_t expected, struct leaks_match **ret)
{
	struct leaks_match *m = calloc(1, sizeof(*m));
	size_t ns = slots_for(expected);

	if (!m || !(m->slots = slots_alloc(ns)) || !(m->fwords = slots_alloc(1024))) {
		if (m)
			free(m->slots);
		free(m);
		return -ENOMEM;
	}
	m->mask = ns - 1;
	m->filter.words = m->fwords;
	m->filter.mask = 1023;
	*ret = m;
	return 0;
}

void leaks_match_free(struct leaks_match *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nhosts; i++)
		free(m->hosts[i].system);
	free(m->hosts);
	free(m->domains);
	free(m->domain_len);
	free(m->slots);
	free(m->fwords);
	free(m->entries);
	free(m->arena);
	free(m);
}


void leaks_match_prefetch(const struct leaks_match *m, uint64_t h)
{
	__builtin_prefetch(&m->slots[h & m->mask]);
}

static const unsigned char *name_of(const struct leaks_match *m, uint32_t e, size_t *ret_len)
{
	const unsigned char *p = m->arena + m->entries[e].off;

	*ret_len = p[0];
	return p + 1;
}

static void slot_put(uint64_t *slots, size_t mask, uint64_t h, uint32_t e)
{
	size_t i = h & mask;

	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = (h >> 32) << 32 | ((uint64_t)e + 1);
}

size_t leaks_match_find(const struct leaks_match *m, uint64_t h, const char *key, size_t len,
			uint32_t *ret, size_t max)
{
	uint32_t tag = (uint32_t)(h >> 32);
	size_t i = h & m->mask, n = 0;

	for (uint64_t s; (s = m->slots[i]) != 0; i = (i + 1) & m->mask) {
		if ((uint32_t)(s >> 32) == tag) {
			size_t kl;
			uint32_t e = (uint32_t)s - 1;
			const unsigned char *k = name_of(m, e, &kl);
			if (kl == len && !memcmp(k, key, len)) {
				if (n < max)
					ret[n] = m->entries[e].account;
				n++;
			}
		}
	}
	return n;
}

int leaks_match_add_account(struct leaks_match *m, const char *name, size_t len, uint32_t account)
{
	char key[LEAKS_KEY_MAX];
	int kl = leaks_key_norm(name, len, key);

	if (kl < 0)
		return kl;
	if (m->nentries >= UINT32_MAX - 1 || m->arena_len + (size_t)kl + 1 > UINT32_MAX)
		return -ENOMEM;
	if (m->nentries == m->entries_cap) {
		size_t cap = m->entries_cap ? m->entries_cap * 2 : 1024;
		struct entry *e = realloc(m->entries, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		m->entries = e;
		m->entries_cap = cap;
	}
	if (m->arena_len + (size_t)kl + 1 > m->arena_cap) {
		size_t cap = m->arena_cap ? m->arena_cap * 2 : 65536;
		unsigned char *a;
		while (cap < m->arena_len + (size_t)kl + 1)
			cap *= 2;
		if (!(a = realloc(m->arena, cap)))
			return -ENOMEM;
		m->arena = a;
		m->arena_cap = cap;
	}
	m->entries[m->nentries++] = (struct entry){ (uint32_t)m->arena_len, account };
	m->arena[m->arena_len] = (unsigned char)kl;
	memcpy(m->arena + m->arena_len + 1, key, (size_t)kl);
	m->arena_len += (size_t)kl + 1;
	m->sealed = false;
	return 0;
}

#define AHEAD 16

int leaks_match_seal(struct leaks_match *m)
{
	size_t ns = slots_for(m->nentries);
	uint64_t *slots, h[AHEAD];

	if (m->sealed)
		return 0;
	if (ns != m->mask + 1) {
		if (!(slots = slots_alloc(ns)))
			return -ENOMEM;
		free(m->slots);
		m->slots = slots;
		m->mask = ns - 1;
	} else {
		memset(m->slots, 0, ns * sizeof(uint64_t));
	}
	/* the hash of entry e + AHEAD is computed, and its slot prefetched,
	 * while entry e is inserted: the inserts overlap their cache misses */
	for (size_t e = 0; e < m->nentries + AHEAD; e++) {
		if (e >= AHEAD)
			slot_put(m->slots, m->mask, h[e % AHEAD], (uint32_t)(e - AHEAD));
		if (e < m->nentries) {
			size_t len;
			const unsigned char *k = name_of(m, (uint32_t)e, &len);
			h[e % AHEAD] = leaks_match_hash((const char *)k, len);
			__builtin_prefetch(&m->slots[h[e % AHEAD] & m->mask], 1);
		}
	}
	/* the filter: a power of two of words, at least 8 bits per name */
	{
		size_t nw = 1024;
		uint64_t *fw;
		while (nw * 64 < 8 * m->nentries)
			nw <<= 1;
		if (!(fw = slots_alloc(nw)))
			return -ENOMEM;
		free(m->fwords);
		m->fwords = fw;
		m->filter.words = fw;
		m->filter.mask = nw - 1;
		for (size_t e = 0; e < m->nentries; e++) {
			size_t len;
			const unsigned char *k = name_of(m, (uint32_t)e, &len);
			uint64_t hh = leaks_match_hash((const char *)k, len);
			fw[(hh >> 24) & (nw - 1)] |= leaks_filter_bits(hh);
		}
	}
	m->sealed = true;
	return 0;
}

const struct leaks_filter *leaks_match_filter(const struct leaks_match *m)
{
	return &m->filter;
}

int leaks_match_add_domain(struct leaks_match *m, const char *domain)
{
	char key[LEAKS_KEY_MAX];
	int kl = leaks_key_norm(domain, strlen(domain), key);
	void *p;

	if (kl < 0 || memchr(key, '@', (size_t)kl) || key[0] == '.')
		return -EINVAL;
	for (size_t i = 0; i < m->ndomains; i++)
		if (m->domain_len[i] == (size_t)kl && !memcmp(m->domains[i], key, (size_t)kl))
			return 0;
	if (!(p = realloc(m->domains, (m->ndomains + 1) * sizeof(*m->domains))))
		return -ENOMEM;
	m->domains = p;
	if (!(p = realloc(m->domain_len, (m->ndomains + 1) * sizeof(size_t))))
		return -ENOMEM;
	m->domain_len = p;
	memcpy(m->domains[m->ndomains], key, (size_t)kl + 1);
	m->domain_len[m->ndomains++] = (size_t)kl;
	return 0;
}

int leaks_match_add_host(struct leaks_match *m, const char *host, const char *system)
{
	char key[LEAKS_KEY_MAX];
	int kl = leaks_key_norm(host, strlen(host), key);
	struct host *h;

	if (kl < 0 || memchr(key, '@', (size_t)kl) || memchr(key, '/', (size_t)kl))
		return -EINVAL;
	if (leaks_match_host(m, key, (size_t)kl))
		return 0;
	if (!(h = realloc(m->hosts, (m->nhosts + 1) * sizeof(*h))))
		return -ENOMEM;
	m->hosts = h;
	h += m->nhosts;
	memcpy(h->name, key, (size_t)kl + 1);
	h->len = (size_t)kl;
	if (!(h->system = strdup(system && *system ? system : key)))
		return -ENOMEM;
	m->nhosts++;
	return 0;
}

size_t leaks_match_names(const struct leaks_match *m)
{
	return m->nentries;
}

size_t leaks_match_ndomains(const struct leaks_match *m)
{
	return m->ndomains;
}

size_t leaks_match_nhosts(const struct leaks_match *m)
{
	return m->nhosts;
}

const char *leaks_match_domain(const struct leaks_match *m, const char *domain, size_t len)
{
	for (size_t i = 0; i < m->ndomains; i++)
		if (leaks_domain_within(domain, len, m->domains[i], m->domain_len[i]))
			return m->domains[i];
	return NULL;
}

const char *leaks_match_host(const struct leaks_match *m, const char *host, size_t len)
{
	char key[LEAKS_KEY_MAX];
	int kl;

	if (!m->nhosts)
		return NULL;
	if ((kl = leaks_key_norm(host, len, key)) < 0)
		return NULL;
	for (size_t i = 0; i < m->nhosts; i++)
		if (m->hosts[i].len == (size_t)kl && !memcmp(m->hosts[i].name, key, (size_t)kl))
			return m->hosts[i].system;
	return NULL;
}

bool leaks_match_sealed(const struct leaks_match *m)
{
	return m->sealed || !m->nentries;
}
