/*
 * redact.h - mask the secrets people write into support requests (R4).
 *
 * Users send their password, the PIN of their signing token, or the ID and
 * password of a remote-access tool (UltraViewer, TeamViewer, AnyDesk) in the
 * body of a request, hoping it helps. Agents must not see them: intake keeps
 * the original only in the raw message store and shows the masked text.
 *
 * The value after a label is replaced with REDACT_MASK and the label is kept,
 * so the agent still knows what was sent and can tell the requester never to
 * do it again:
 *
 *     "mật khẩu: Abc@123"           -> "mật khẩu: [đã che]"
 *     "UltraViewer ID: 123 456 789" -> "UltraViewer ID: [đã che]"
 *
 * Labels are recognised in Vietnamese with or without diacritics and in any
 * case ("Mật khẩu", "MAT KHAU", "mk", "MK là"), and in English ("password",
 * "pass", "pwd", "PIN"). A value is masked only when it looks like one: an
 * ASCII token after ':' or '=', a token with digits, symbols or mixed case
 * after "là"/"is" or right after the label, digits after "PIN", a 6 to 12
 * digit group after "ID" near the name of a remote-access tool (or spaced
 * like "123 456 789" anywhere). Questions such as "đổi mật khẩu thế nào?"
 * and request codes such as "SD211208-123456" are left alone.
 *
 * Pure: no I/O and no state; time and memory are linear in the input.
 */
#ifndef REDACT_H
#define REDACT_H

#define REDACT_MASK "[đã che]"

/* Bits of *ret_found: the kinds of secret that were masked. */
enum {
	REDACT_PASSWORD         = 1u << 0,  /* a password outside remote access */
	REDACT_PIN              = 1u << 1,  /* a token or certificate PIN */
	REDACT_REMOTE_ACCESS    = 1u << 2,  /* a remote-access ID or password */
};

/*
 * Return a copy of the NUL-terminated UTF-8 text with every secret value
 * replaced by REDACT_MASK (invalid UTF-8 is copied through untouched).
 * When ret_found is not NULL, it receives the REDACT_* bits of what was
 * masked (0 when nothing was).
 *
 * The caller frees the result with free(). Returns NULL with errno set to
 * EINVAL (text is NULL) or ENOMEM, leaving *ret_found untouched. The input
 * still holds the secrets: a caller that no longer needs it should wipe it.
 */
char *redact_secrets(const char *text, unsigned *ret_found);

#endif /* REDACT_H */
