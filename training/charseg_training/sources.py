"""The source packages that the corpus builder fetches, and what it keeps from each.

Every source comes through a package registry's ordinary client, so a fresh
machine can fetch the same files again:

* ``apt-source``: ``apt-get source --download-only`` (needs ``deb-src`` entries
  for bookworm and bookworm-updates under ``/etc/apt/sources.list.d/``);
* ``apt-deb``: ``apt-get download``; the corpus reads the ``data.tar`` member;
* ``npm``: ``npm pack``;
* ``pip``: ``pip download --no-deps --no-binary :all:``. Only list pure-Python
  packages here, because pip builds an sdist to read its metadata and a C
  extension build takes minutes.
* ``dir``: a directory on this machine, such as ``/usr/share/common-licenses``.

Versions are whatever the registry serves when the cache is filled (npm and
PyPI: the latest release). The manifest records the version actually used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One package to fetch, and the rules for turning its files into examples."""

    name: str
    kind: str
    #: Labels this source may contribute; None allows every label.
    labels: frozenset[str] | None = None
    #: fnmatch patterns on the path inside the package; empty keeps every path.
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Label for ``.h`` files: ``c`` or ``cpp``.
    header_label: str = "c"
    #: ``(pattern, label)`` pairs that override the name-based label.
    path_labels: tuple[tuple[str, str], ...] = ()
    #: Labels for which this whole package goes to the ``unseen`` split.
    holdout: tuple[str, ...] = ()
    #: Path of a zip archive inside the package whose members replace it.
    inner_zip: str | None = None
    #: Seconds allowed for the download before the source is skipped.
    timeout_s: int = 600
    #: For ``dir`` sources: the directory to read.
    directory: str | None = None


def _npm_typescript(name: str, exclude: tuple[str, ...] = ()) -> Source:
    """Return an npm package whose TypeScript sources sit under ``src/``."""
    return Source(
        name,
        "npm",
        labels=frozenset({"typescript"}),
        include=("src/*",),
        exclude=exclude,
    )


def _one_label(
    label: str,
    kind: str,
    names: tuple[str, ...],
    exclude: tuple[str, ...] = (),
    header_label: str = "c",
) -> tuple[Source, ...]:
    """Return one source per package name, each contributing only ``label``."""
    return tuple(
        Source(
            name,
            kind,
            labels=frozenset({label}),
            exclude=exclude,
            header_label=header_label,
        )
        for name in names
    )


# Patterns shared by many sources: test expectations, fixtures that are
# deliberately broken, and build output.
_COMMON_EXCLUDES = (
    "*/testData/*",
    "*/testdata/*",
    "*/baselines/*",
    "*/badsyntax*",
    "*/bad_coding*",
    "*/dist/*.map",
    "*.output",
)

SOURCES: tuple[Source, ...] = (
    # Prose licences that ship with Debian.
    Source(
        "common-licenses",
        "dir",
        directory="/usr/share/common-licenses",
        labels=frozenset({"plaintext"}),
        path_labels=(("*", "plaintext"),),
    ),
    # python
    Source(
        "python3.11",
        "apt-source",
        timeout_s=900,
        exclude=_COMMON_EXCLUDES
        + (
            "*/lib2to3/tests/data/*",
            "Lib/test/encoded_modules/*",
            "Lib/test/tokenizedata/*",
            "Modules/_decimal/libmpdec/*",
            "Modules/expat/*",
            "Modules/_ctypes/libffi*",
        ),
    ),
    Source("django", "pip", exclude=_COMMON_EXCLUDES + ("*/locale/*",)),
    Source(
        "sphinx", "pip", holdout=("python",), exclude=_COMMON_EXCLUDES + ("*/locale/*",)
    ),
    Source("click", "pip"),
    # Python with type annotations. The older trees above rarely annotate, and the
    # model read annotated signatures as Scala without these.
    *_one_label(
        "python",
        "pip",
        ("pydantic", "fastapi", "typer", "httpx", "rich", "textual", "starlette"),
        exclude=_COMMON_EXCLUDES,
    ),
    Source(
        "pygments",
        "pip",
        labels=frozenset({"python", "other", "plaintext"}),
        exclude=_COMMON_EXCLUDES + ("tests/snippets/*",),
    ),
    # scala
    Source("scala", "apt-source", exclude=_COMMON_EXCLUDES + ("test/files/neg/*",)),
    Source("jawn", "apt-source", labels=frozenset({"scala"})),
    Source("json4s", "apt-source", labels=frozenset({"scala"}), holdout=("scala",)),
    Source("hawtdispatch", "apt-source", labels=frozenset({"scala", "java"})),
    Source("latexdraw", "apt-source", labels=frozenset({"scala"})),
    Source("pilon", "apt-source", labels=frozenset({"scala"})),
    # PLM's lesson texts are HTML fragments. Translated pages such as
    # lesson.fr.html would repeat the English ones.
    Source(
        "plm",
        "apt-source",
        labels=frozenset({"scala", "html"}),
        exclude=("*.??.html", "*.??_??.html"),
    ),
    # java
    Source(
        "openjdk-17-source",
        "apt-deb",
        inner_zip="usr/lib/jvm/openjdk-17/lib/src.zip",
        labels=frozenset({"java"}),
        timeout_s=900,
    ),
    Source("guava-libraries", "apt-source"),
    Source("junit4", "apt-source", holdout=("java",)),
    # kotlin
    Source("kotlin", "apt-source", exclude=_COMMON_EXCLUDES),
    Source("expo-modules-core", "npm"),
    Source("kotlinx-coroutines", "apt-source", exclude=_COMMON_EXCLUDES),
    Source("react-native-vision-camera", "npm", holdout=("kotlin",)),
    Source("gradle-kotlin-dsl", "apt-source", labels=frozenset({"kotlin"})),
    Source("react-native-screens", "npm", labels=frozenset({"kotlin"})),
    Source("react-native-gesture-handler", "npm", labels=frozenset({"kotlin"})),
    Source("@stripe/stripe-react-native", "npm", labels=frozenset({"kotlin"})),
    Source(
        "@rnmapbox/maps",
        "npm",
        labels=frozenset({"kotlin"}),
        exclude=("*/RNMBXStyleFactory.kt",),  # Generated from the style spec.
    ),
    # Android modules of Expo and React Native libraries: Kotlin apps and
    # libraries rather than the compiler.
    *_one_label(
        "kotlin",
        "npm",
        (
            "expo-image",
            "expo-camera",
            "expo-notifications",
            "expo-updates",
            "expo-media-library",
            "react-native-reanimated",
        ),
    ),
    # javascript, typescript
    Source(
        "three", "npm", exclude=("*/libs/*", "build/*", "*/models/*", "*/textures/*")
    ),
    Source("jquery", "npm", holdout=("javascript",), exclude=("dist/*",)),
    Source("express", "npm"),
    Source("eslint", "npm"),
    Source(
        "node-typescript",
        "apt-source",
        timeout_s=900,
        include=("src/*", "tests/cases/conformance/*", "README*", "*.md", "doc/*"),
        exclude=_COMMON_EXCLUDES,
    ),
    Source("rxjs", "npm", exclude=("dist/*",)),
    Source("zod", "npm", holdout=("typescript",)),
    _npm_typescript("effect", exclude=("*/httpApiScalar.ts", "*/httpApiSwagger.ts")),
    _npm_typescript("@grpc/grpc-js"),
    _npm_typescript("@reduxjs/toolkit"),
    _npm_typescript("@trpc/server"),
    _npm_typescript("@tanstack/query-core"),
    _npm_typescript("mobx"),
    # Application and library code, so that TypeScript is not mostly the compiler.
    _npm_typescript("@tiptap/core"),
    _npm_typescript("@tanstack/router-core"),
    _npm_typescript("@tanstack/db"),
    _npm_typescript("@tanstack/form-core"),
    _npm_typescript("@tanstack/virtual-core"),
    _npm_typescript("@trpc/client"),
    _npm_typescript("prosemirror-model"),
    _npm_typescript("prosemirror-state"),
    _npm_typescript("prosemirror-view"),
    _npm_typescript("immer"),
    # c
    Source(
        "postgresql-15",
        "apt-source",
        timeout_s=900,
        exclude=_COMMON_EXCLUDES
        + ("doc/src/sgml/html/*", "*/expected/*", "*/output/*"),
    ),
    Source("ruby3.1", "apt-source", exclude=_COMMON_EXCLUDES),
    Source(
        "libxml2", "apt-source", holdout=("c",), exclude=("result/*", "doc/devhelp/*")
    ),
    Source("lua5.4", "apt-source"),
    Source("git", "apt-source", exclude=_COMMON_EXCLUDES + ("compat/*", "t/t[0-9]*/*")),
    # Servers, tools and libraries written in C, beside the C of language
    # runtimes and PostgreSQL. Redis bundles Lua, jemalloc and hiredis in deps/.
    *_one_label(
        "c",
        "apt-source",
        ("redis", "curl", "tmux", "jq", "libuv1", "nginx"),
        exclude=_COMMON_EXCLUDES + ("deps/*",),
    ),
    # cpp
    Source("libboost1.81-dev", "apt-deb", header_label="cpp"),
    Source(
        "cmake",
        "apt-source",
        header_label="cpp",
        exclude=_COMMON_EXCLUDES + ("Utilities/*",),
    ),
    Source("fmtlib", "apt-source", header_label="cpp", holdout=("cpp",)),
    Source("googletest", "apt-source", header_label="cpp"),
    # Header-only libraries in modern C++ (templates, constexpr, concepts), unlike
    # Boost's macro-heavy headers and CMake's older style.
    *_one_label(
        "cpp",
        "apt-deb",
        (
            "nlohmann-json3-dev",
            "libcli11-dev",
            "catch2",
            "doctest-dev",
            "libspdlog-dev",
            "librange-v3-dev",
            "libglm-dev",
            "libcereal-dev",
            "pybind11-dev",
            "libtomlplusplus-dev",
            "libcxxopts-dev",
            "libabsl-dev",
            "libeigen3-dev",
        ),
        exclude=("*/thirdparty/*", "*/bundled/*"),
        header_label="cpp",
    ),
    # csharp
    Source("keepass2", "apt-source"),
    Source("nunit", "apt-source"),
    Source("newtonsoft-json", "apt-source", holdout=("csharp",)),
    Source("dbus-sharp", "apt-source"),
    Source(
        "zeroc-ice", "apt-source", labels=frozenset({"csharp"}), include=("csharp/*",)
    ),
    Source(
        "thrift",
        "apt-source",
        labels=frozenset({"csharp"}),
        include=("lib/netstd/*", "test/netstd/*", "tutorial/netstd/*"),
    ),
    # Mono's class libraries, compiler and tools. Many of its files open with an MIT
    # licence in // comments, as many C# projects do and no other C# source here does.
    Source(
        "mono",
        "apt-source",
        labels=frozenset({"csharp"}),
        include=("mcs/class/*", "mcs/mcs/*", "mcs/tools/*"),
        timeout_s=1200,
    ),
    # F#, for `other`: .NET code that is not C#. Both packages ship the compiler's
    # own F# sources beside their JavaScript. `obj/` contains generated assembly info.
    *_one_label(
        "other", "npm", ("fable-compiler-js", "fable-standalone"), exclude=("*/obj/*",)
    ),
    # go
    Source("golang-1.19-src", "apt-deb", exclude=_COMMON_EXCLUDES),
    Source("docker.io", "apt-source", exclude=_COMMON_EXCLUDES),
    Source("golang-github-spf13-cobra", "apt-source", holdout=("go",)),
    # Go programs outside the standard library, so that no single project
    # dominates the label.
    *_one_label(
        "go",
        "apt-source",
        ("hugo", "restic", "prometheus", "rclone", "syncthing"),
        exclude=_COMMON_EXCLUDES,
    ),
    # rust
    Source("rust-src", "apt-deb", exclude=_COMMON_EXCLUDES),
    # Debian's librust-*-dev packages hold crate sources under /usr/share/cargo.
    Source("librust-regex-dev", "apt-deb"),
    Source("librust-serde-json-dev", "apt-deb"),
    Source("librust-tokio-dev", "apt-deb"),
    Source("librust-syn-dev", "apt-deb"),
    Source("librust-clap-dev", "apt-deb", holdout=("rust",)),
    *_one_label(
        "rust",
        "apt-deb",
        tuple(
            f"librust-{crate}-dev"
            for crate in (
                "rand",
                "nom",
                "hyper",
                "rayon",
                "futures-util",
                "chrono",
                "itertools",
                "reqwest",
                "serde",
                "bytes",
                "tracing",
                "crossbeam-channel",
                "indexmap",
                "toml",
                "anyhow",
            )
        ),
    ),
    *_one_label(
        "rust",
        "apt-source",
        ("rust-ripgrep", "rust-fd-find", "rust-bat"),
        exclude=_COMMON_EXCLUDES,
    ),
    # ruby
    Source("libruby3.1", "apt-deb"),
    Source("rails", "apt-source", exclude=_COMMON_EXCLUDES),
    Source("ruby-rack", "apt-deb", holdout=("ruby",)),
    # php
    Source("symfony", "apt-source", exclude=_COMMON_EXCLUDES),
    Source("phpunit", "apt-source", exclude=_COMMON_EXCLUDES),
    Source("composer", "apt-source", holdout=("php",)),
    Source(
        "mediawiki",
        "apt-source",
        labels=frozenset({"php"}),
        exclude=(
            "vendor/*",
            "languages/messages/*",
            "extensions/SecureLinkFixer/*",
            "*/i18n/*",
        ),
    ),
    Source("php-laravel-framework", "apt-source", labels=frozenset({"php"})),
    Source(
        "wordpress",
        "apt-source",
        labels=frozenset({"php", "css"}),
        exclude=(
            "*-rtl.css",
            "*/sodium_compat/*",
            "*/ID3/*",
            "*/SimplePie/*",
            "*/Requests/*",
            "*/PHPMailer/*",
            "*/Text/*",
            "*/pomo/*",
        ),
    ),
    # shellscript
    Source(
        "bash-completion",
        "apt-source",
        holdout=("shellscript",),
        path_labels=(("completions/*", "shellscript"),),
        exclude=("completions/Makefile*",),
    ),
    Source("dracut", "apt-source", labels=frozenset({"shellscript"})),
    # sql
    Source(
        "sqlglot",
        "pip",
        labels=frozenset({"sql"}),
        include=("tests/fixtures/*",),
        holdout=("sql",),
    ),
    Source(
        "postgis",
        "apt-source",
        labels=frozenset({"sql"}),
        exclude=(
            "*spatial_ref_sys.sql",
            "*/pagc_tables.sql",
            "*/address_standardizer/us_*.sql",
            "doc/*_comments.sql",
            "*/tiger_loader_20*.sql",
            "*/lookup_tables_20*.sql",
            "*/regress_biginsert.sql",
        ),
    ),
    Source(
        "ledgersmb", "apt-source", labels=frozenset({"sql"}), exclude=("sql/coa/*",)
    ),
    Source("mimeo", "apt-source", labels=frozenset({"sql"}), exclude=("updates/*",)),
    Source(
        "mariadb",
        "apt-source",
        labels=frozenset({"sql"}),
        include=("scripts/sys_schema/*", "storage/columnstore/*"),
        exclude=("scripts/fill_help_tables.sql", "*/win_setup_mysql_part1.sql"),
    ),
    # css
    Source("bootstrap", "npm"),
    Source("bulma", "npm"),
    Source("animate.css", "npm"),
    Source("normalize.css", "npm"),
    Source("tachyons", "npm"),
    Source(
        "highlight.js",
        "npm",
        labels=frozenset({"css", "markdown", "plaintext", "json"}),
    ),
    Source(
        "codemirror@5",
        "npm",
        labels=frozenset({"css", "html", "markdown", "plaintext"}),
    ),
    Source("prismjs", "npm", holdout=("css",)),
    Source("jquery-ui", "npm", exclude=("dist/*", "external/*")),
    # CSS on npm is built from Sass or Less. Take one unminified variant per
    # package and skip bundles that concatenate the component files.
    Source(
        "@patternfly/patternfly",
        "npm",
        labels=frozenset({"css"}),
        include=("components/*", "layouts/*", "utilities/*"),
        exclude=("*/_index.css",),
    ),
    Source(
        "semantic-ui-css",
        "npm",
        labels=frozenset({"css"}),
        include=("components/*",),
        exclude=("*.min.css",),
    ),
    Source(
        "@wordpress/block-library",
        "npm",
        labels=frozenset({"css"}),
        include=("build-style/*/*",),
        exclude=("*-rtl.css",),
    ),
    # html and css: hand-written test pages of two CSS frameworks, and the
    # Apache Ant manual.
    Source(
        "uikit",
        "npm",
        labels=frozenset({"html", "css"}),
        include=("tests/*", "dist/css/uikit.css"),
    ),
    Source(
        "foundation-sites",
        "npm",
        labels=frozenset({"html", "css"}),
        include=("test/visual/*", "dist/css/foundation.css"),
    ),
    Source("ant", "apt-source", labels=frozenset({"html", "xml"})),
    # json, yaml
    Source("jsonschema", "pip"),
    Source("ansible", "pip", timeout_s=420),
    Source(
        "tripleo-heat-templates",
        "pip",
        labels=frozenset({"yaml"}),
        # Jinja templates, and role lists that are generated from roles/.
        exclude=("*.j2.yaml", "roles_data*.yaml", "*/roles_data*.yaml"),
    ),
    Source("kolla-ansible", "pip", labels=frozenset({"yaml"}), timeout_s=420),
    Source(
        "cfn-lint",
        "pip",
        labels=frozenset({"yaml"}),
        include=("*test/fixtures/templates/*",),
        exclude=("*/templates/bad/*",),
    ),
    # haskell
    Source(
        "ghc",
        "apt-source",
        timeout_s=900,
        exclude=_COMMON_EXCLUDES + ("*/should_fail/*", "utils/haddock/*-test/*"),
    ),
    Source(
        "agda",
        "apt-source",
        holdout=("haskell",),
        exclude=_COMMON_EXCLUDES + ("test/Fail/*",),
    ),
    Source("pandoc", "apt-source"),
    *_one_label(
        "haskell",
        "apt-source",
        (
            "xmonad-contrib",
            "cabal-install",
            "haskell-lens",
            "haskell-aeson",
            "haskell-megaparsec",
            "haskell-vector",
            "haskell-conduit",
            "haskell-servant",
            "haskell-hakyll",
            "haskell-diagrams-lib",
            "haskell-hledger-lib",
            "hledger",
        ),
        exclude=_COMMON_EXCLUDES,
    ),
    # lua
    Source("neovim", "apt-source"),
    Source("luarocks", "apt-source"),
    Source("awesome", "apt-source", holdout=("lua",)),
    Source(
        "nmap",
        "apt-source",
        labels=frozenset({"lua"}),
        include=("nselib/*", "scripts/*"),
        exclude=("nselib/data/idnaMappings.lua", "nselib/data/http-fingerprints.lua"),
        path_labels=(("scripts/*.nse", "lua"),),
    ),
    Source(
        "tarantool",
        "apt-source",
        labels=frozenset({"lua"}),
        exclude=("test/sql-tap/*", "third_party/*"),
    ),
    Source("rspamd", "apt-source", labels=frozenset({"lua"}), exclude=("contrib/*",)),
    Source("vis", "apt-source", labels=frozenset({"lua"})),
    Source("lua-http", "apt-source", labels=frozenset({"lua"})),
    Source("prosody", "apt-deb", labels=frozenset({"lua"})),
    # r
    Source("r-base", "apt-source", timeout_s=900),
    Source("r-cran-ggplot2", "apt-source"),
    Source("r-cran-dplyr", "apt-source", holdout=("r",)),
    Source("r-cran-mgcv", "apt-source", labels=frozenset({"r"})),
    Source("r-cran-shiny", "apt-source", labels=frozenset({"r"})),
    Source("r-cran-matrix", "apt-source", labels=frozenset({"r"})),
    # perl
    Source("perl-modules-5.36", "apt-deb"),
    Source("libmojolicious-perl", "apt-source"),
    # Also the unseen YAML package, pinned so that new YAML sources do not
    # change the unseen split.
    Source("libmoose-perl", "apt-source", holdout=("perl", "yaml")),
    # latex
    Source("texlive-latex-base", "apt-deb", holdout=("latex",)),
    # Also the unseen HTML package, pinned for the same reason.
    Source("texlive-latex-recommended", "apt-deb", holdout=("html",)),
    Source(
        "texlive-latex-extra",
        "apt-deb",
        labels=frozenset({"latex"}),
        # latex-dev is a pre-release copy of the held-out LaTeX kernel, and
        # dated files are rollback copies of current ones.
        exclude=("*/latex-dev/*", "*-20??-??-??.*", "*/hwemoji/*"),
    ),
    Source(
        "texlive-pictures",
        "apt-deb",
        labels=frozenset({"latex"}),
        exclude=(
            "*/context/*",
            "*/worldflags/*",
            "*/figchild/*",
            "*/circuitikz-[0-9]*",
            "*/pgf-spectra/*",
        ),
    ),
    Source(
        "texlive-science",
        "apt-deb",
        labels=frozenset({"latex"}),
        exclude=("*/siunitx-v2.sty",),
    ),
    Source(
        "texlive-publishers",
        "apt-deb",
        labels=frozenset({"latex"}),
        exclude=("*/thuaslogos/*",),
    ),
    # xml
    Source("libxslt", "apt-source", holdout=("xml",), exclude=("doc/devhelp/*",)),
    Source(
        "docbook-xsl",
        "apt-deb",
        labels=frozenset({"xml"}),
        # xhtml* is generated from html/, and common/*.xml is localisation data.
        exclude=("*/xhtml/*", "*/xhtml-1_1/*", "*/common/*.xml"),
    ),
    Source(
        "tomcat10",
        "apt-source",
        labels=frozenset({"xml"}),
        # Copies of the Jakarta EE schemas, and conf/web.xml's MIME type table.
        exclude=("java/jakarta/*", "conf/web.xml"),
    ),
    Source("yelp-xsl", "apt-deb", labels=frozenset({"xml"})),
)


def sources_by_name() -> dict[str, Source]:
    """Return :data:`SOURCES` keyed by name."""
    return {source.name: source for source in SOURCES}
