//go:build !linux

package keyset

const mapPopulate = 0
