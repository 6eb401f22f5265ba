/* trustcheck's graph formats: DOT, SVG (laid out by Graphviz) and a self-contained HTML page. */
#ifndef TRUSTCHECK_REPORT_GRAPH_H
#define TRUSTCHECK_REPORT_GRAPH_H

#include "options.h"

/* Writes the report for fmt (TC_FORMAT_DOT, _SVG or _HTML) to out; `chain` marks presented certificates. */
int tc_report_graph(FILE *out, const trust_result *r, const trust_chain *chain, tc_format fmt,
		    unsigned int flags);

#endif
