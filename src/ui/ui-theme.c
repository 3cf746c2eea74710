/*
 * ui-theme.c - finding theme files by name and switching themes live.
 *
 * A name with a '/' or a .yaml/.yml ending is a path. Otherwise NAME.yaml
 * is looked for in $TUNETOP_THEMES, ./themes, the themes directory beside
 * the binary (build/../themes, or ../share/tunetop/themes when installed)
 * and $XDG_CONFIG_HOME/tunetop/themes (~/.config/tunetop/themes).
 */
#include "tunetop/ui.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	UI_THEME_DIRS = 6
};

/* The directories to search, in order; entries are malloc'd or NULL. */
static void ui_theme_dirs(char **dirs)
{
	const char *env = getenv("TUNETOP_THEMES");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char exe[4096];
	ssize_t n;
	char *slash;

	memset(dirs, 0, UI_THEME_DIRS * sizeof *dirs);
	dirs[0] = env != NULL && env[0] != '\0' ? tt_xstrdup(env) : NULL;
	dirs[1] = tt_xstrdup("themes");
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			dirs[2] = tt_xprintf("%s/../themes", exe);
			dirs[3] = tt_xprintf("%s/../share/tunetop/themes", exe);
		}
	}
	if (xdg != NULL && xdg[0] != '\0')
		dirs[4] = tt_xprintf("%s/tunetop/themes", xdg);
	else if (home != NULL)
		dirs[4] = tt_xprintf("%s/.config/tunetop/themes", home);
}

static void ui_theme_dirs_free(char **dirs)
{
	int i;

	for (i = 0; i < UI_THEME_DIRS; i++)
		free(dirs[i]);
}

static int ui_is_path(const char *name)
{
	size_t n = strlen(name);

	return strchr(name, '/') != NULL || (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

int ui_theme_path(const char *name, char **out)
{
	char *dirs[UI_THEME_DIRS];
	int i;

	*out = NULL;
	if (name == NULL || name[0] == '\0')
		return -1;
	if (ui_is_path(name)) {
		*out = tt_xstrdup(name);
		return 0;   /* theme_load says what is wrong with it */
	}
	ui_theme_dirs(dirs);
	for (i = 0; i < UI_THEME_DIRS && *out == NULL; i++) {
		char *p;

		if (dirs[i] == NULL)
			continue;
		p = tt_xprintf("%s/%s.yaml", dirs[i], name);
		if (access(p, R_OK) == 0)
			*out = p;
		else
			free(p);
	}
	ui_theme_dirs_free(dirs);
	return *out != NULL ? 0 : -1;
}

static int ui_has_name(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return 1;
	}
	return 0;
}

static void ui_theme_scan(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *name;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml") != 0 || e->d_name[0] == '.')
			continue;
		name = tt_xstrndup(e->d_name, len - 5);
		if (ui_has_name(*names, *n, name)) {
			free(name);
			continue;
		}
		*names = tt_xrealloc(*names, (*n + 2) * sizeof **names);
		(*names)[(*n)++] = name;
		(*names)[*n] = NULL;
	}
	closedir(d);
}

char **ui_theme_names(void)
{
	char *dirs[UI_THEME_DIRS];
	char **names = tt_xcalloc(1, sizeof *names);
	size_t n = 0;
	int i;

	ui_theme_dirs(dirs);
	for (i = 0; i < UI_THEME_DIRS; i++) {
		if (dirs[i] != NULL)
			ui_theme_scan(dirs[i], &names, &n);
	}
	ui_theme_dirs_free(dirs);
	return names;
}

int ui_set_theme(struct ui *ui, const char *name, struct tt_err *err)
{
	struct theme t;
	char *path;
	int found = ui_theme_path(name, &path) == 0;

	if (!found && strcmp(name, "mono") == 0) {
		ui->theme = *theme_mono();	/* built in, also without the file */
	} else if (!found) {
		tt_err_set(err, NULL, 0, 0, "no theme '%s' (looked for %s.yaml under ./themes, "
			   "beside the binary and in ~/.config/tunetop/themes)", name, name);
		free(path);
		return -1;
	} else {
		theme_init(&t, name);
		if (theme_load(&t, path, err) != 0) {
			free(path);
			return -1;
		}
		ui->theme = t;
	}
	free(path);
	ui_term_colors(ui);
	ui_mark(ui, UI_DIRTY_ALL);
	return 0;
}
