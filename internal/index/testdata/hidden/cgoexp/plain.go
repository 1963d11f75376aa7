package cgoexp

//export NotExported
func NotExported() {}
