/* version.h - the one place the version number lives. */
#ifndef TUNETOP_VERSION_H
#define TUNETOP_VERSION_H

#define TUNETOP_VERSION "0.1.0"

#endif
