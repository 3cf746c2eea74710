#include "tunetop/session.h"
int session_save_edit(const struct session *s, const struct cfg *cfg, const char *path,
		      struct tt_err *err)
{
	return session_save(s, cfg, NULL, path, err);
}
