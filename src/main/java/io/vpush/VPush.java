package io.vpush; public class VPush { public static void main(String[] a){} }
