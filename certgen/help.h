/* Per-command help texts (certgen COMMAND --help). */
#ifndef CERTGEN_HELP_H
#define CERTGEN_HELP_H

#define HELP_GLOBAL \
	"\nglobal options: --dir DIR (else $CERTGEN_DIR, else ./pki), --force, --quiet,\n" \
	"                --format text|json\nexit status: 0 ok, 1 refused, 2 usage or input error\n"

#define HELP_TIMES \
	"  --not-before T, --not-after T  exact validity, RFC 3339 (2026-01-31T12:00:00Z, +02:00\n" \
	"              offsets, or a date for midnight UTC); with one of them --days sets the other;\n" \
	"              exact times are kept even past the issuer's notAfter (with a warning)\n"
#define HELP_FILES \
	"  --cert-file F, --key-file F    also write the certificate / key (0600) to F; the state\n" \
	"              directory keeps its copies (revoke and renew use them)\n"

#define HELP_CA \
	"usage: certgen ca [--name CN] [--key TYPE] [--days N | --not-before T --not-after T]\n\n" \
	"Creates the self-signed root: DIR/ca.pem and DIR/ca-key.pem (0600).\n" \
	"basicConstraints CA (critical), keyUsage keyCertSign+cRLSign (critical), SKI, no EKU.\n\n" \
	"  --name CN   subject CN (default \"certgen root CA\")\n" \
	"  --key TYPE  ec256 (default), ec384, rsa2048, rsa3072, rsa4096, ed25519\n" \
	"  --days N    validity (default 3650)\n" HELP_TIMES "\nexamples:\n" \
	"  certgen ca\n  certgen --dir /tmp/pki ca --name \"Test Root\" --key rsa3072\n" HELP_GLOBAL

#define HELP_INTERMEDIATE \
	"usage: certgen intermediate NAME [--issuer NAME] [--pathlen N] [--key TYPE] [--days N]\n" \
	"           [--permit-dns D]... [--exclude-dns D]... [--permit-ip CIDR]... [--exclude-ip CIDR]...\n" \
	"           [--permit-email D]... [--exclude-email D]... [--eku serverAuth,clientAuth]\n" \
	"           [--not-before T] [--not-after T] [--cert-file F] [--key-file F]\n\n" \
	"Issues a CA under the root (or --issuer) into DIR/NAME/. Name constraints are critical.\n" \
	"Validity defaults to 1825 days, shortened to end with the issuer.\n" HELP_TIMES HELP_FILES \
	"\nexamples:\n" \
	"  certgen intermediate issuing-1 --pathlen 0\n" \
	"  certgen intermediate corp --permit-dns corp.example --permit-ip 10.0.0.0/8\n" \
	"  certgen leaf www.corp.example --issuer corp\n" HELP_GLOBAL

#define HELP_LEAF \
	"usage: certgen leaf NAME... [--issuer NAME] [--days N] [--key TYPE] [--client]\n" \
	"           [--not-before T] [--not-after T] [--cert-file F] [--key-file F]\n" \
	"           [--sct N [--sct-bad]] [--sct-tls N]\n\n" \
	"Issues a TLS server certificate into DIR/FIRST-NAME/. Each NAME becomes a SAN entry typed\n" \
	"automatically: host name (DNS, IDN converted to A-labels), *.wildcard, IPv4/IPv6 (IP),\n" \
	"user@host (email), scheme://... (URI). EKU serverAuth (+clientAuth with --client); keyUsage\n" \
	"digitalSignature (+keyEncipherment for RSA). Default 199 days: under Chromium/Android's\n" \
	"200-day cap and Apple's 825. The chain is checked with libtrust (tls-server) before anything\n" \
	"is written; a chain it rejects is refused unless --force.\n" \
	"--sct N embeds SCTs from the first N test CT logs of DIR/ct/log-list.json (made with\n" \
	"'certgen ct-log'; missing ones are created as log1, log2, ...) by the RFC 6962\n" \
	"precertificate flow; --sct-bad makes the last SCT's signature fail to verify. --sct-tls N\n" \
	"writes DIR/FIRST-NAME/serverinfo.pem: SCTs from N logs for the TLS extension\n" \
	"(openssl s_server -serverinfo).\n" HELP_TIMES HELP_FILES \
	"\nexamples:\n" \
	"  certgen leaf localhost 127.0.0.1 ::1\n  certgen leaf '*.dev.example' dev.example --issuer issuing-1\n" \
	"  certgen leaf api.test --key rsa2048 --client\n" \
	"  certgen leaf edge.test --not-before 2026-01-01T00:00:00Z --days 398 --force\n" \
	"  certgen leaf web.test --cert-file web.pem --key-file web-key.pem\n" \
	"  certgen leaf ct.test --sct 3\n" HELP_GLOBAL

#define HELP_CT_LOG \
	"usage: certgen ct-log [NAME] [--operator OP] [--state STATE [--since T]]\n\n" \
	"Creates a test Certificate Transparency log: a P-256 key in DIR/ct/NAME-key.pem (0600)\n" \
	"and an entry in DIR/ct/log-list.json, the JSON format of the public log lists, which\n" \
	"trustcheck --ct-log-list reads. NAME defaults to the first free log1, log2, ...; each log\n" \
	"has an operator of its own unless --operator names a shared one. A new log is usable\n" \
	"from now. For an existing log, --state pending|qualified|usable|readonly|retired|rejected\n" \
	"sets its state from --since T (default now); SCTs a log issued after it was retired or\n" \
	"became read-only do not count.\n" \
	"\nexamples:\n" \
	"  certgen ct-log\n  certgen ct-log google-a --operator Google\n" \
	"  certgen ct-log log1 --state retired --since 2026-01-01T00:00:00Z\n" \
	"  certgen leaf ct.test --sct 2\n" HELP_GLOBAL

#define HELP_CLIENT \
	"usage: certgen client NAME [--email E] [--issuer NAME] [--days N] [--key TYPE]\n" \
	"           [--not-before T] [--not-after T] [--cert-file F] [--key-file F]\n\n" \
	"Issues a TLS client identity (EKU clientAuth, CN NAME, SAN email E) into DIR/NAME/.\n" \
	HELP_TIMES HELP_FILES "\n" \
	"examples:\n  certgen client alice --email alice@example.com\n  certgen p12 alice\n" HELP_GLOBAL

#define HELP_SIGN \
	"usage: certgen sign CSR.pem [--name NAME] [--issuer NAME] [--client] [--days N]\n" \
	"           [--not-before T] [--not-after T] [--cert-file F]\n\n" \
	"Issues a leaf for the key in a PKCS#10 request (PEM or DER) into DIR/NAME/ (cert.pem,\n" \
	"chain.pem, fullchain.pem; the key stays with whoever made the request). The request's\n" \
	"signature must verify. Only its subjectAltName entries are used (or a host name CN when it\n" \
	"has none); every other requested extension is ignored, with a warning naming it: the\n" \
	"server (or --client) profile decides. NAME defaults to the first name.\n" HELP_TIMES \
	"\nexamples:\n" \
	"  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout app-key.pem \\\n" \
	"      -subj /CN=app.test -addext subjectAltName=DNS:app.test -out app.csr\n" \
	"  certgen sign app.csr --cert-file app.pem\n" HELP_GLOBAL

#define HELP_RENEW \
	"usage: certgen renew NAME [--days N] [--not-before T] [--not-after T] [--cert-file F]\n" \
	"           [--key-file F]\n\n" \
	"Reissues NAME (an intermediate, leaf, client, OCSP responder or signed CSR) with the same\n" \
	"subject, key and extensions, a new serial and new dates (by default as long as the old\n" \
	"one), under the same issuer. The old certificate stays in the state, superseded:\n" \
	"'certgen list --all' shows it and 'certgen revoke SERIAL' can still revoke it.\n" HELP_TIMES \
	"\nexamples:\n  certgen leaf renew.test\n  certgen renew renew.test --days 30\n" \
	"  certgen list --all\n" HELP_GLOBAL

#define HELP_INSTALL_OPTS \
	"  --yes            make the system-wide changes (system store, the system Java keystore);\n" \
	"                   without it certgen lists them and exits 1\n" \
	"  --trust-root DIR every system path below DIR instead of / (also $CERTGEN_TRUST_ROOT)\n" \
	"  --nss DIR        this NSS database (repeatable; default ~/.pki/nssdb and Firefox profiles)\n" \
	"  --java KEYSTORE  this Java keystore (default /etc/ssl/certs/java/cacerts or\n" \
	"                   $JAVA_HOME/lib/security/cacerts), --storepass P (default changeit)\n"

#define HELP_INSTALL \
	"usage: certgen install [--yes] [--trust-root DIR] [--nss DIR]... [--java KEYSTORE]\n\n" \
	"Adds the root (DIR/ca.pem) to every trust store found: Debian/Ubuntu\n" \
	"(/usr/local/share/ca-certificates + update-ca-certificates), Fedora/RHEL\n" \
	"(/etc/pki/ca-trust/source/anchors + update-ca-trust), NSS databases with certutil and a\n" \
	"Java keystore with keytool, each when present; prints every change. The entries are\n" \
	"named certgen-FINGERPRINT, so 'certgen uninstall' removes exactly this root.\n" \
	HELP_INSTALL_OPTS "\nexamples:\n  certgen install\n  sudo certgen install --yes\n" \
	"  certgen install --trust-root /tmp/sysroot --yes\n" HELP_GLOBAL

#define HELP_UNINSTALL \
	"usage: certgen uninstall [--yes] [--trust-root DIR] [--nss DIR]... [--java KEYSTORE]\n\n" \
	"Removes the root from the trust stores 'certgen install' put it in; an absent entry is\n" \
	"not an error.\n" HELP_INSTALL_OPTS \
	"\nexamples:\n  sudo certgen uninstall --yes\n  certgen uninstall --trust-root /tmp/sysroot --yes\n" \
	HELP_GLOBAL

#define HELP_CROSS \
	"usage: certgen cross NAME --issuer OTHER [--days N]\n\n" \
	"Cross-signs CA NAME (same subject, same key) under OTHER: a CA in this directory or another\n" \
	"certgen directory (a path containing ca.pem and ca-key.pem). Writes DIR/NAME-by-OTHER/\n" \
	"(cert.pem, chain.pem, fullchain.pem; no key). Negative --days makes an expired cross-sign.\n\n" \
	"examples (run in order):\n  certgen --dir new ca && certgen --dir old ca\n" \
	"  certgen --dir new cross ca --issuer old/   # new root under the old one: new/ca-by-old/\n" \
	"  certgen --dir new --force cross ca --issuer old/ --days -1\n" \
	"                          # replaces it with an expired cross-sign (DST Root X3 pattern)\n" \
	HELP_GLOBAL

#define HELP_REVOKE \
	"usage: certgen revoke NAME|SERIAL [--reason R]\n\n" \
	"Records a revocation in the state. R: unspecified (default), keyCompromise, cACompromise,\n" \
	"affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn,\n" \
	"aACompromise. Publish it with certgen crl or certgen ocsp. A NAME is its current\n" \
	"certificate; a SERIAL (hex, from 'certgen list --all') may be any certificate ever\n" \
	"issued here, also one a reissue superseded; every CRL keeps it until it expires.\n\nexamples:\n" \
	"  certgen revoke localhost --reason keyCompromise && certgen crl\n" HELP_GLOBAL

#define HELP_CRL \
	"usage: certgen crl [--issuer NAME] [--next-update DAYS]\n\n" \
	"Writes the issuer's signed CRL (v2, CRL number, AKI, reason codes): DIR/crl.pem for the root,\n" \
	"DIR/NAME/crl.pem for an intermediate. Reissuing replaces it and increments the number.\n\n" \
	"examples:\n  certgen crl\n  certgen crl --issuer issuing-1 --next-update 1\n" \
	"  openssl crl -in pki/crl.pem -CAfile pki/ca.pem -noout\n" HELP_GLOBAL

#define HELP_OCSP \
	"usage: certgen ocsp NAME --status good|revoked|unknown [--signer NAME]\n" \
	"                    [--this-update T] [--next-update T] [--out FILE]\n\n" \
	"Writes DIR/NAME/ocsp-STATUS.der (or FILE): a DER OCSP response about NAME, signed by NAME's\n" \
	"issuer, or by --signer: a delegated responder ('certgen responder'), or any other\n" \
	"certificate here with a key, to make a response clients must refuse. The signer's\n" \
	"certificate travels in the response. T is a number of days from now (negative: past) or\n" \
	"an RFC 3339 time; thisUpdate is now and nextUpdate 7 days on, unless given (a\n" \
	"--next-update already past alone makes thisUpdate 7 days before it: an expired response).\n" \
	"Ready for stapling tests (openssl s_server -status_file, certgen serve).\n\nexamples:\n" \
	"  certgen ocsp localhost --status good\n" \
	"  openssl ocsp -respin pki/localhost/ocsp-good.der -issuer pki/ca.pem \\\n" \
	"      -cert pki/localhost/cert.pem -CAfile pki/ca.pem\n" \
	"  certgen ocsp localhost --status good --next-update -1 --out expired.der\n" \
	"  certgen responder ocsp-1 && certgen ocsp localhost --status good --signer ocsp-1\n" \
	HELP_GLOBAL

#define HELP_RESPONDER \
	"usage: certgen responder NAME [--issuer CA] [--nocheck] [--key TYPE] [--days N]\n" \
	"                         [--not-before T] [--not-after T]\n\n" \
	"Issues a delegated OCSP responder certificate (RFC 6960 4.2.2.2): extendedKeyUsage\n" \
	"id-kp-OCSPSigning only, keyUsage digitalSignature, issued by CA (default: the root), which\n" \
	"must be the issuer of the certificates it answers for. --nocheck adds id-pkix-ocsp-nocheck\n" \
	"(clients need not check the responder's own revocation). Writes DIR/NAME/ (cert.pem,\n" \
	"key.pem, chain.pem, fullchain.pem); sign responses with 'certgen ocsp --signer NAME'.\n\n" \
	"examples:\n  certgen responder ocsp-1\n" \
	"  certgen responder ocsp-sub --issuer issuing-1 --nocheck --days 30\n" HELP_GLOBAL

#define HELP_P12 \
	"usage: certgen p12 NAME [--legacy] [--password-file F]\n\n" \
	"Writes DIR/NAME/NAME.p12 (0600) with key, certificate and chain. Default encryption is\n" \
	"PBES2/AES-256 with a SHA-256 MAC; --legacy uses PBE-SHA1-3DES and a SHA-1 MAC, which older\n" \
	"macOS/iOS importers need. Without --password-file a random password is written to\n" \
	"DIR/NAME/NAME.p12.pass (0600).\n\nexamples:\n" \
	"  certgen p12 alice\n  certgen p12 localhost --legacy --password-file pw.txt\n" HELP_GLOBAL

#define HELP_BUNDLE \
	"usage: certgen bundle [--out F]\n\n" \
	"Writes every CA certificate (root first, then intermediates) into DIR/bundle.pem (or F).\n\n" \
	"examples:\n  certgen bundle\n  trustcheck --anchors pki/ca.pem --intermediates pki/bundle.pem leaf.pem\n" \
	HELP_GLOBAL

#define HELP_PIN \
	"usage: certgen pin FILE\n\n" \
	"Prints the base64 SHA-256 of the SubjectPublicKeyInfo of the first certificate in FILE: the\n" \
	"value of ATS NSPinnedCAIdentities / NSPinnedLeafIdentities (SPKI-SHA256-BASE64).\n\n" \
	"examples:\n  certgen pin pki/ca.pem\n  certgen --format json pin pki/localhost/cert.pem\n" HELP_GLOBAL

#define HELP_MOBILECONFIG \
	"usage: certgen mobileconfig [--out F]\n\n" \
	"Writes an iOS/macOS configuration profile holding the root (com.apple.security.root payload,\n" \
	"UUIDs derived from the certificate): DIR/certgen-root.mobileconfig or F. After installing it\n" \
	"on iOS, enable full trust: Settings > General > About > Certificate Trust Settings.\n\n" \
	"examples:\n  certgen mobileconfig\n  certgen mobileconfig --out /srv/www/root.mobileconfig\n" HELP_GLOBAL

#define HELP_ANDROID \
	"usage: certgen android\n\n" \
	"Writes DIR/android/: certgen-root.crt (DER, for Settings > Security > Install certificate),\n" \
	"HASH.0 (PEM named by OpenSSL's old subject hash, for /system/etc/security/cacerts on rooted\n" \
	"devices and emulators), and network_security_config.xml (trust the root in an app).\n\n" \
	"examples:\n  certgen android\n  adb push pki/android/*.0 /system/etc/security/cacerts/\n" HELP_GLOBAL

#define HELP_BAD \
	"usage: certgen bad KIND [HOST] [--out DIR]\n       certgen bad --all DIR [HOST]\n" \
	"       certgen bad --list\n\n" \
	"Makes broken certificates, fresh on every run, each in DIR/KIND/ (default DIR: STATE/bad):\n" \
	"fullchain.pem, anchor.pem (the root to trust), crl.pem where relevant, and case.json\n" \
	"(host, purpose, policy, expect, rule, why). HOST defaults to bad.example.\n\nexamples:\n" \
	"  certgen bad expired\n  certgen bad --all /tmp/bad\n" \
	"  trustcheck --anchors /tmp/bad/expired/anchor.pem --host bad.example /tmp/bad/expired/fullchain.pem\n" \
	HELP_GLOBAL

#define HELP_APPLY \
	"usage: certgen apply FILE.json [--out DIR] [--var NAME=VALUE]... [--case NAME]\n\n" \
	"Builds every certificate a fixture document declares (roots, intermediates, leaves,\n" \
	"cross-signs, CRLs, deliberate defects) and writes the files it lists under DIR (default\n" \
	"STATE/fixtures/NAME for NAME.json). A catalogue document (template + cases) writes each\n" \
	"case into DIR/CASE/ with case.json; --case builds one. Parsing is strict: an unknown key\n" \
	"or a dangling name is an error and nothing is written. Format: docs/fixtures.md.\n\n" \
	"examples:\n  certgen apply fixtures/mtls.json --out /tmp/mtls\n" \
	"  certgen apply fixtures/bad.json --case expired --var host=test.example --out /tmp/bad\n" \
	HELP_GLOBAL

#define HELP_SERVE \
	"usage: certgen serve [--port N] [--bind ADDR] [--ports] [--out DIR]\n" \
	"           [--duration SECONDS] [--max-connections N] [--list]\n\n" \
	"An offline badssl: an HTTPS server (127.0.0.1:8443 by default) offering every 'bad' kind\n" \
	"and connection-level cases (TLS 1.0/1.1 only, TLS 1.2 without forward secrecy,\n" \
	"intermediates in the wrong order, stapled OCSP responses: good, revoked, expired,\n" \
	"wrongly signed, from a delegated responder; no SCTs, SCTs embedded, in the TLS extension\n" \
	"and with a bad signature). The client's SNI\n" \
	"name picks the case: KIND.bad.test; GET / lists every case and the verdict a correct\n" \
	"client reaches, /cases.json the same as JSON. Certificates are made fresh under DIR\n" \
	"(default STATE/serve) at each start; each case's root is in the listing.\n" \
	"  --port N         0 picks a free port (printed as 'listening on ADDR:PORT')\n" \
	"  --ports          one port per case from N up (for clients that cannot set SNI)\n" \
	"  --list           make the cases, print the mapping as JSON and exit\n" \
	"  --duration S, --max-connections N   stop by itself\n\nexamples:\n" \
	"  certgen serve --port 8443 --duration 600 &\n" \
	"  curl --cacert pki/serve/pki/ca.pem --resolve good.bad.test:8443:127.0.0.1 \\\n" \
	"      https://good.bad.test:8443/\n" \
	"  certgen serve --list\n" \
	HELP_GLOBAL

#define HELP_LIST \
	"usage: certgen list [--all]\n\nShows the state directory's layout and every current certificate\n" \
	"with kind, expiry, status and serial; --all adds the ones a reissue superseded (they stay\n" \
	"in the state, revocable by serial). --format dot draws the hierarchy as a Graphviz graph\n" \
	"(revoked in red, cross-signs tied to their CA by a dotted 'same key' line).\n\nexamples:\n" \
	"  certgen list\n  certgen list --all\n  certgen --format json list\n" \
	"  certgen list --all --format dot > pki.dot\n" HELP_GLOBAL

#endif
