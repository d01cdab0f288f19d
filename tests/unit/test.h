/*
 * test.h - the unit-test harness: TEST(name) { ... } registers a test;
 * CHECK* macros record a failure with both sides printed and go on.
 */
#ifndef LOCUS_TEST_H
#define LOCUS_TEST_H

#include <stdio.h>
#include <string.h>

void test_register(const char *name, const char *file, void (*fn)(void));
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	__attribute__((constructor)) static void test_reg_##name(void)    \
	{                                                                 \
		test_register(#name, __FILE__, test_##name);              \
	}                                                                 \
	static void test_##name(void)

#define CHECK(c)                                                          \
	do {                                                              \
		if (!(c))                                                 \
			test_fail(__FILE__, __LINE__, "CHECK(%s)", #c);   \
	} while (0)

#define CHECK_INT_EQ(a, b)                                                \
	do {                                                              \
		long long va_ = (long long)(a), vb_ = (long long)(b);     \
		if (va_ != vb_)                                           \
			test_fail(__FILE__, __LINE__,                     \
				  "%s == %s: %lld != %lld", #a, #b, va_,  \
				  vb_);                                   \
	} while (0)

#define CHECK_STR_EQ(a, b)                                                \
	do {                                                              \
		const char *sa_ = (a), *sb_ = (b);                        \
		if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0)                \
			test_fail(__FILE__, __LINE__,                     \
				  "%s == %s:\n  got:      \"%s\"\n  expected: \"%s\"", \
				  #a, #b, sa_ ? sa_ : "(null)",           \
				  sb_ ? sb_ : "(null)");                  \
	} while (0)

#endif
