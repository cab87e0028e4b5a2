#ifndef EJIA_CORE_VERSION_H
#define EJIA_CORE_VERSION_H
#define EJIA_VERSION "0.1.0"
#endif
