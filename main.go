// Command wangge is the spatial engine of community grid governance.
package main

func main() {}
