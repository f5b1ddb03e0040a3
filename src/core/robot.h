/*
 * robot.h - group robots: a webhook whose format is WeCom (企业微信), DingTalk
 * (钉钉) or Feishu (飞书) gets, instead of the event JSON, a message in the
 * chat app's own format, in the robot's language (zh-CN or en): a title, a
 * human line per event and a link to the record when the server knows its
 * public base URL (serve --public-url). The message is made when the delivery
 * is (the pump), so its body is what is sent; the signature, which expires,
 * is added at each attempt (robot_prepare): DingTalk's in the URL, Feishu's
 * in the body. The chat app's answer decides (robot_answer_check): an errcode
 * or code other than 0 is a failed attempt, retried as any other.
 */
#ifndef CORE_ROBOT_H
#define CORE_ROBOT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/core.h"

#define ROBOT_SECRET_MAX 128   /* a pasted signing secret, in bytes */
#define ROBOT_TEXT_MAX 4000    /* a message's text: WeCom's markdown holds 4096 bytes */
#define ROBOT_FIELD_MAX 200    /* a user-written value within a message */

/* Whether format names a robot ("wecom", "dingtalk", "feishu"); "salespm" is not one. */
int robot_format(const char *format);

/*
 * The message of an event (the event JSON a "salespm" webhook gets, as
 * webhook.c makes it) for a robot of format in lang, into out (reset);
 * public_url (NULL or "": no link) is the UI's base URL.
 */
int robot_render(struct store *st, const char *format, const char *lang, const char *public_url,
		 const char *event_json, struct buf *out, struct err *err);

/*
 * The URL and body of one attempt at now_ms: DingTalk with a secret appends
 * &timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256(secret, ts "\n" secret)>;
 * Feishu with a secret puts "timestamp":"<s>","sign":"<base64 HMAC-SHA256(
 * key ts "\n" secret, "")>" first in the body; otherwise both as given.
 */
void robot_prepare(const char *format, const char *secret, const char *url, const char *body,
		   int64_t now_ms, struct buf *url_out, struct buf *body_out);

/* DingTalk's sign (urlencoded) and Feishu's (base64) for a timestamp. */
void robot_sign_dingtalk(const char *secret, int64_t ts_ms, char out[128]);
void robot_sign_feishu(const char *secret, int64_t ts_s, char out[64]);

/*
 * Judge a chat app's answer to a 2xx: 0 when it says the message was taken
 * (errcode 0; Feishu code 0 or StatusCode 0), else -1 with error filled
 * ("errcode 310000: sign not match").
 */
int robot_answer_check(const char *format, const char *answer, size_t len, char *error,
		       size_t esize);

#endif
