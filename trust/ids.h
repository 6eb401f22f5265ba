/*
 * Finding ids and budget ids: the stable names reports and callers match on
 * (docs/findings.md).  Code names them through these constants only, so a
 * typo is a compile error rather than a rule that silently never matches.
 */
#ifndef TRUST_IDS_H
#define TRUST_IDS_H

/* Internal failures: a check could not run or record its result. */
#define TRUST_ID_INTERNAL_NO_MEMORY "internal.no-memory"
#define TRUST_ID_INTERNAL_ERROR "internal.error"
#define TRUST_ID_INTERNAL_NO_REASON "internal.no-reason"

#endif
