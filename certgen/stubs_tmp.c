#include "certgen.h"
int cmd_p12(const cg_opts *o, int argc, char **argv) { (void)o; (void)argc; (void)argv; return 2; }
int cmd_bundle(const cg_opts *o, int argc, char **argv) { (void)o; (void)argc; (void)argv; return 2; }
int cmd_pin(const cg_opts *o, int argc, char **argv) { (void)o; (void)argc; (void)argv; return 2; }
int cmd_mobileconfig(const cg_opts *o, int argc, char **argv) { (void)o; (void)argc; (void)argv; return 2; }
int cmd_android(const cg_opts *o, int argc, char **argv) { (void)o; (void)argc; (void)argv; return 2; }
int cmd_bad(const cg_opts *o, int argc, char **argv) { (void)o; (void)argc; (void)argv; return 2; }
