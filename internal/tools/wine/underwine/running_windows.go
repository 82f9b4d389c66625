package underwine

import "golang.org/x/sys/windows"

var wine = windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil

// Running reports whether this Windows program runs under Wine, whose
// ntdll exports wine_get_version; Windows' does not.
func Running() bool { return wine }
