/*
 * A program that defines its own tsha256 and nc_bytes_of, names libtrust uses
 * inside, with other types.  Linked against the installed static libtrust it
 * must build, call its own functions, and still get libtrust's verdict.
 *
 *   collide ANCHORS CHAIN HOST   exit 0 if all holds
 */
#include <stdio.h>
#include <string.h>
#include <trust.h>

int tsha256(int x)
{
	return 2 * x;
}

const char *nc_bytes_of(void)
{
	return "the program's own";
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	if (tsha256(21) != 42 || strcmp(nc_bytes_of(), "the program's own") != 0) {
		puts("the program's own functions were replaced");
		return 1;
	}
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	trust_store *store = NULL;
	trust_chain *chain = trust_chain_new();
	trust_result *r = NULL;
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = argv[3];
	int rc = b && chain ? trust_store_builder_add_anchors(b, argv[1], TRUST_ORIGIN_USER, &err)
			    : TRUST_ENOMEM;
	if (rc == TRUST_OK) {
		rc = trust_store_builder_finish(&store, b, &err);
		b = NULL;
	}
	if (rc == TRUST_OK)
		rc = trust_chain_add_file(chain, argv[2], &err);
	if (rc == TRUST_OK)
		rc = trust_evaluate(&r, store, NULL, chain, &o, &err);
	int status = rc == TRUST_OK && trust_result_trusted(r) ? 0 : 1;
	printf("%s\n", rc != TRUST_OK ? err.message : trust_result_reason(r));
	trust_result_free(r);
	trust_chain_free(chain);
	trust_store_free(store);
	trust_store_builder_free(b);
	return status;
}
