/* Makes include/ihub.h part of a C target, so header edits re-check the
** Swift implementations (@c @implementation) in Sources/IHub. */
#include "ihub.h"
