/*
 * prelude.h - force-included before every evident source file (see
 * CMakeLists.txt): the common system headers first, so that banned.h can
 * then make unsafe calls compile errors without breaking their declarations.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "banned.h"
