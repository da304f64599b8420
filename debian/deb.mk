# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# make deb: the Debian packages xen-pciback-dkms and pcibackctl
# (debian/control), built with debhelper, dh-dkms and dpkg-buildpackage
# (installed with apt-get when missing), then checked with lintian (an
# error fails the target). The build runs in a copy of the tree,
# $(DEB_DIR)/pcibk-<version>/, whose debian/changelog gets the version
# of xen-pciback/scripts/version.sh ("make dkms-version"); the packages,
# .buildinfo and .changes land in $(DEB_DIR).

DEB_DIR		:= $(BUILD)/deb
DEB_TOOLS	:= build-essential debhelper dh-dkms dpkg-dev lintian libxen-dev gcc make

.PHONY: deb
deb:
	@bash tests/deps.sh $(DEB_TOOLS)
	@set -e; ver=$$(sh xen-pciback/scripts/version.sh); src=$(DEB_DIR)/pcibk-$$ver; \
	rm -rf $(DEB_DIR); mkdir -p "$$src"; \
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C "$$src"; \
	{ echo "pcibk ($$ver) unstable; urgency=medium"; echo; \
	  echo "  * Built by make deb from commit $$(git rev-parse --short HEAD)$$(case $$ver in \
		*.dirty) echo ' with local changes';; esac)."; echo; \
	  echo " -- $$(sed -n 's/^Maintainer: //p' debian/control)  $$(git log -1 --format=%aD)"; \
	} >"$$src/debian/changelog"; \
	echo "deb: dpkg-buildpackage in $$src"; \
	(cd "$$src" && dpkg-buildpackage -b -us -uc -j2) >$(DEB_DIR)/build.log 2>&1 || \
		{ tail -n 30 $(DEB_DIR)/build.log; echo "deb: dpkg-buildpackage failed ($(DEB_DIR)/build.log)"; exit 1; }; \
	rm -rf "$$src"; \
	ls -l $(DEB_DIR)/*.deb; \
	echo "deb: lintian $(DEB_DIR)/pcibk_$${ver}_*.changes"; \
	lintian --fail-on error $(DEB_DIR)/pcibk_$${ver}_*.changes && \
		echo "deb: lintian reports no error" || { echo "deb: lintian reports errors (above)"; exit 1; }
