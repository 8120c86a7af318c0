/* A shared library without the entry point: not a plugin. */
__attribute__((visibility("default"))) int something_else(void) { return 1; }
