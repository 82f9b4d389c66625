package lab

import "golang.org/x/sys/windows"

// underWine is set when the tests run under Wine, which exports
// wine_get_version from its ntdll; Windows does not.
var underWine = windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
