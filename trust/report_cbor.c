/*
 * CBOR report (RFC 8949): the same jansson model the JSON report prints,
 * converted item by item to libcbor, so the two cannot drift.  Maps and
 * arrays are definite-length and integers use their shortest form (RFC 8949
 * §4.2.1 preferred serialization); map keys keep the schema's order.
 */
#include "report_model.h"

#include <cbor.h>
#include <stdlib.h>

static cbor_item_t *to_cbor(const json_t *j);

/* The shortest head for the value (RFC 8949 §4.2.1); libcbor keeps the width it is given. */
static cbor_item_t *uint_item(uint64_t v, bool negative)
{
	cbor_item_t *i;
	if (v <= UINT8_MAX)
		i = cbor_build_uint8((uint8_t)v);
	else if (v <= UINT16_MAX)
		i = cbor_build_uint16((uint16_t)v);
	else if (v <= UINT32_MAX)
		i = cbor_build_uint32((uint32_t)v);
	else
		i = cbor_build_uint64(v);
	if (i && negative)
		cbor_mark_negint(i);
	return i;
}

static cbor_item_t *int_to_cbor(json_int_t v)
{
	if (v >= 0)
		return uint_item((uint64_t)v, false);
	/* CBOR negative integers encode -1 - n. */
	return uint_item((uint64_t)(-(v + 1)), true);
}

static cbor_item_t *array_to_cbor(const json_t *j)
{
	cbor_item_t *a = cbor_new_definite_array(json_array_size(j));
	if (!a)
		return NULL;
	size_t i;
	const json_t *v;
	json_array_foreach(j, i, v) {
		cbor_item_t *item = to_cbor(v);
		bool ok = item && cbor_array_push(a, item);
		if (item)
			cbor_decref(&item); /* the array holds its own reference */
		if (!ok) {
			cbor_decref(&a);
			return NULL;
		}
	}
	return a;
}

static cbor_item_t *object_to_cbor(const json_t *j)
{
	cbor_item_t *m = cbor_new_definite_map(json_object_size(j));
	if (!m)
		return NULL;
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)j, k, v) {
		cbor_item_t *key = cbor_build_string(k);
		cbor_item_t *val = to_cbor(v);
		bool ok = key && val && cbor_map_add(m, (struct cbor_pair){ .key = key, .value = val });
		if (key)
			cbor_decref(&key);
		if (val)
			cbor_decref(&val);
		if (!ok) {
			cbor_decref(&m);
			return NULL;
		}
	}
	return m;
}

static cbor_item_t *to_cbor(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return object_to_cbor(j);
	case JSON_ARRAY: return array_to_cbor(j);
	case JSON_STRING: return cbor_build_stringn(json_string_value(j), json_string_length(j));
	case JSON_INTEGER: return int_to_cbor(json_integer_value(j));
	case JSON_REAL: return cbor_build_float8(json_real_value(j));
	case JSON_TRUE: return cbor_build_bool(true);
	case JSON_FALSE: return cbor_build_bool(false);
	default: return cbor_new_null();
	}
}

/* A report larger than this is refused rather than grown without end. */
#define TREPORT_CBOR_MAX ((size_t)1 << 30)

int trust_report_cbor(unsigned char **out, size_t *len, const trust_result *r, unsigned int flags)
{
	(void)flags; /* same data as the JSON report */
	if (!out || !len)
		return TRUST_EUSAGE;
	*out = NULL;
	*len = 0;
	if (!r)
		return TRUST_EUSAGE;
	json_t *m = treport_model(r);
	if (!m)
		return TRUST_ENOMEM;
	cbor_item_t *item = to_cbor(m);
	json_decref(m);
	if (!item)
		return TRUST_ENOMEM;
	/* Serialised into our own malloc'd buffer, not libcbor's allocator, so that
	 * trust_free is free(); libcbor 0.8 cannot size an item first, so the buffer
	 * doubles until cbor_serialize (0 when out of room) fits. */
	unsigned char *buf = NULL;
	size_t n = 0;
	for (size_t cap = 4096; n == 0 && cap <= TREPORT_CBOR_MAX; cap *= 2) {
		free(buf);
		buf = malloc(cap);
		if (!buf)
			break;
		n = cbor_serialize(item, buf, cap);
	}
	cbor_decref(&item);
	if (n == 0) {
		free(buf);
		return TRUST_ENOMEM;
	}
	*out = buf;
	*len = n;
	return TRUST_OK;
}
