/*
 * gen.c — credential dumps for bench/leaks (and tests): a list of account
 * emails and a combo list of `email:password` lines in which one line in
 * HIT_EVERY names one of those accounts.
 *
 *   bench_leaks_gen --accounts N --bytes B [--hit-every K] [--seed S]
 *                   ACCOUNTS_OUT COMBO_OUT
 *
 * Addresses look like the real thing (folded Vietnamese names, a number,
 * webmail and provincial domains); passwords are 6 to 16 printable
 * characters.  Written through 1 MiB buffers at several hundred MB/s, so a
 * 2 GB list takes seconds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static const char *const family[] = { "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan",
				      "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly" };
static const char *const given[] = { "an", "binh", "cuong", "dung", "giang", "ha", "hai", "hanh",
				     "hieu", "hoa", "hung", "huong", "khanh", "lan", "linh", "long",
				     "mai", "minh", "nam", "nga", "ngoc", "phuong", "quang", "son",
				     "tam", "thanh", "thao", "thu", "trang", "tuan", "van", "yen" };
static const char *const webmail[] = { "gmail.com", "yahoo.com", "outlook.com", "hotmail.com",
				       "yahoo.com.vn", "icloud.com", "mail.ru", "qq.com" };
static const char *const provinces[] = { "hanoi", "haiphong", "namdinh", "gialai", "kiengiang",
					 "danang", "hue", "cantho" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Our account number i: deterministic, so the combo list can name it. */
static int account(char *buf, size_t size, uint64_t i)
{
	return snprintf(buf, size, "%s.%s%llu@%s.example.gov.vn", given[i % N(given)],
			family[(i / N(given)) % N(family)], (unsigned long long)i,
			provinces[(i / 7) % N(provinces)]);
}

static int stranger(char *buf, size_t size)
{
	uint64_t r = next();

	return snprintf(buf, size, "%s%s%s%llu@%s", given[r % N(given)], (r >> 8) & 1 ? "." : "",
			family[(r >> 9) % N(family)], (unsigned long long)((r >> 16) % 100000),
			webmail[(r >> 40) % N(webmail)]);
}

static int password(char *buf)
{
	static const char cs[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@#$%&*";
	uint64_t r = next();
	int len = 6 + (int)(r % 11);

	r = next();
	for (int i = 0; i < len; i++) {
		if (i % 10 == 9)
			r = next();
		buf[i] = cs[r % (sizeof(cs) - 1)];
		r /= sizeof(cs) - 1;
	}
	return len;
}

int main(int argc, char **argv)
{
	uint64_t naccounts = 1000000, bytes = 1ull << 30, hit_every = 10000, written = 0, lines = 0;
	char line[512], *buf;
	FILE *a, *c;
	int i;

	for (i = 1; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
		uint64_t v = strtoull(argv[i + 1], NULL, 10);
		if (!strcmp(argv[i], "--accounts"))
			naccounts = v;
		else if (!strcmp(argv[i], "--bytes"))
			bytes = v;
		else if (!strcmp(argv[i], "--hit-every"))
			hit_every = v ? v : 1;
		else if (!strcmp(argv[i], "--seed"))
			rng ^= v * 0x9e3779b97f4a7c15ull + 1;
		else
			break;
	}
	if (argc - i != 2 || !naccounts) {
		fputs("usage: bench_leaks_gen --accounts N --bytes B [--hit-every K] [--seed S] "
		      "ACCOUNTS_OUT COMBO_OUT\n", stderr);
		return 64;
	}
	if (!(a = fopen(argv[i], "w")) || !(c = fopen(argv[i + 1], "w"))) {
		perror("bench_leaks_gen");
		return 1;
	}
	buf = malloc(1 << 20);
	setvbuf(a, NULL, _IOFBF, 1 << 20);
	setvbuf(c, buf, _IOFBF, 1 << 20);
	for (uint64_t k = 0; k < naccounts; k++) {
		int n = account(line, sizeof(line), k);
		line[n] = '\n';
		fwrite(line, 1, (size_t)n + 1, a);
	}
	while (written < bytes) {
		int n = lines % hit_every == hit_every / 2 ? account(line, sizeof(line), next() % naccounts)
							  : stranger(line, sizeof(line));
		line[n++] = ':';
		n += password(line + n);
		line[n++] = '\n';
		fwrite(line, 1, (size_t)n, c);
		written += (uint64_t)n;
		lines++;
	}
	if (fclose(a) != 0 || fclose(c) != 0) {
		perror("bench_leaks_gen");
		return 1;
	}
	free(buf);
	fprintf(stderr, "bench_leaks_gen: %llu accounts, %llu lines, %llu bytes\n",
		(unsigned long long)naccounts, (unsigned long long)lines, (unsigned long long)written);
	return 0;
}
