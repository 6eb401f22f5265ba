/* trustcheck: minimal front end (placeholder until the full CLI lands). */
#include "trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	trust_chain *chain = trust_chain_new();
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	for (int i = 1; i < argc; i++) {
		int rc = TRUST_OK;
		if (strcmp(argv[i], "--anchors") == 0 && i + 1 < argc)
			rc = trust_store_builder_add_anchors(b, argv[++i], TRUST_ORIGIN_USER, &err);
		else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			o.host = argv[++i];
		else
			rc = trust_chain_add_file(chain, argv[i], &err);
		if (rc != TRUST_OK) {
			fprintf(stderr, "trustcheck: %s\n", err.message);
			return 2;
		}
	}
	trust_store *s = NULL;
	trust_result *r = NULL;
	if (trust_store_builder_finish(&s, b, &err) != TRUST_OK ||
	    trust_evaluate(&r, s, NULL, chain, &o, &err) != TRUST_OK) {
		fprintf(stderr, "trustcheck: %s\n", err.message);
		return 2;
	}
	trust_report_text(stdout, r, 0);
	int trusted = trust_result_trusted(r);
	trust_result_free(r);
	trust_store_free(s);
	trust_chain_free(chain);
	return trusted ? 0 : 1;
}
