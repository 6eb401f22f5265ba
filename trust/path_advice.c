/*
 * What to do about a path that stopped: the words a dead end's finding ends
 * with.  A private root checked against the system store and an intermediate
 * the server forgot to send look alike to the path builder (no issuer was
 * found); the advice names both remedies, and where the certificate says
 * where its issuer can be fetched (AIA caIssuers, RFC 5280 §4.2.2.1), the URL.
 */
#include "internal.h"

#include <string.h>

void tadvice_ca_issuers(char *buf, size_t n, const trust_cert *c)
{
	buf[0] = '\0';
	int crit = -1;
	AUTHORITY_INFO_ACCESS *aia = tcert_ext_d2i(c, NID_info_access, &crit);
	ERR_clear_error();
	for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		const ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location->type != GEN_URI)
			continue;
		const ASN1_IA5STRING *u = ad->location->d.uniformResourceIdentifier;
		int len = ASN1_STRING_length(u);
		const unsigned char *d = ASN1_STRING_get0_data(u);
		size_t w = 0;
		/* Printable ASCII only: the URL is shown to people as it is. */
		for (int k = 0; k < len && w + 1 < n; k++)
			buf[w++] = d[k] > 0x20 && d[k] < 0x7f ? (char)d[k] : '?';
		buf[w] = '\0';
		break;
	}
	AUTHORITY_INFO_ACCESS_free(aia);
}

const char *tadvice_anchor_place(const tv_ctx *ctx)
{
	return tanchor_sources_system_only(ctx->store->anchor_sources) ? "in the system trust store"
								       : "among the anchors";
}

const char *tadvice_missing_issuer(const tv_ctx *ctx)
{
	if (tanchor_sources_system_only(ctx->store->anchor_sources))
		return "if that is a private root, trust it with --anchors FILE; if it is an "
		       "intermediate, add it with --intermediates FILE";
	return "add the missing intermediate with --intermediates FILE, or its root with "
	       "--anchors FILE";
}
