package web_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"wangge/server/web"
)

// The committed bundle is what the sources build to: npm ci installs
// exactly the lockfile's packages and build.mjs gives the same bytes.
func TestBundleRebuildsFromTheLockfile(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not on the PATH; the committed bundle is served as it is")
	}
	dir := t.TempDir()
	for _, name := range []string{"package.json", "package-lock.json", "build.mjs"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.CopyFS(filepath.Join(dir, "src"), os.DirFS("src")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"ci", "--no-audit", "--no-fund", "--loglevel=error"}, {"run", "build", "--silent"}} {
		cmd := exec.Command(npm, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm %v: %v\n%s", args, err, out)
		}
	}
	built, err := os.ReadDir(filepath.Join(dir, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := fs.ReadDir(web.Bundle(), "dist")
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != len(committed) || len(built) != 3 {
		t.Errorf("the build wrote %d files, %d are committed; want app.js, app.css and THIRD_PARTY.txt", len(built), len(committed))
	}
	for _, e := range committed {
		want, err := fs.ReadFile(web.Bundle(), "dist/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, "dist", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("dist/%s: the committed file (%d bytes) differs from the rebuild (%d bytes); run `npm ci && npm run build` in server/web and commit dist/", e.Name(), len(want), len(got))
		}
	}
}
